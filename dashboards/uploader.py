"""The file uploader, in the page's language."""

from __future__ import annotations

import streamlit as st
from shared import lang, tr

from accueil import i18n


def file_uploader(label: str, types: list[str], key: str, on_change=None):
    """st.file_uploader with its own words (its button, its size and type line) in the page's language.

    Streamlit writes "Upload" and "50MB per file" in English whatever the page's language, and has no
    option for them (streamlit/streamlit#13500): a stylesheet hides its words and shows ours in their
    place, on the same elements, so the widget itself, its drop zone and its button are unchanged."""
    limit = int(st.get_option("server.maxUploadSize"))
    kinds = ", ".join(t.upper() for t in types)
    button = _css_text(tr("uploader.button"))
    line = _css_text(tr("uploader.limit", size=i18n.number(limit, lang()), types=kinds))
    zone = '[data-testid="stFileUploaderDropzone"]'
    st.html(
        "<style>"
        f'{zone} button [data-testid="stMarkdownContainer"] p{{display:none}}'
        f'{zone} button [data-testid="stMarkdownContainer"]::after{{content:"{button}"}}'
        f'{zone} [data-testid="stFileUploaderDropzoneInstructions"] span{{display:none}}'
        f'{zone} [data-testid="stFileUploaderDropzoneInstructions"] > div::after{{content:"{line}";font-size:0.875rem}}'
        "</style>"
    )
    return st.file_uploader(label, type=types, key=key, on_change=on_change)


def _css_text(text: str) -> str:
    """Text as a CSS string's content: quotes, backslashes and angle brackets escaped as CSS escapes."""
    return "".join(f"\\{ord(c):06x}" if c in '"\\<>' or ord(c) < 32 else c for c in text)
