"""Accueil's dashboards: `accueil dashboard` (or `streamlit run dashboards/app.py`).

The entry point sets the language, shows how fresh the published snapshot is, and hands
over to the page chosen in the navigation.  Every page reads through accueil.access.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # the pages import `shared` from this folder
    sys.path.insert(0, str(HERE))

from shared import tr  # noqa: E402

from accueil import access, i18n  # noqa: E402

st.set_page_config(page_title="Accueil", layout="wide")

# The language can come from the address (?lang=fr), so a French link opens in French.
if "lang" not in st.session_state:
    requested = st.query_params.get("lang", "en")
    st.session_state["lang"] = requested if requested in i18n.LANGUAGES else "en"

pages = [
    st.Page(HERE / "views" / "council.py", title=tr("page.council"), url_path="council", default=True),
    st.Page(HERE / "views" / "funders.py", title=tr("page.funders"), url_path="funders"),
    st.Page(HERE / "views" / "agency.py", title=tr("page.agency"), url_path="agency"),
    st.Page(HERE / "views" / "journeys.py", title=tr("page.journeys"), url_path="journeys"),
]
# The navigation goes first: the sidebar elements written before it are lost on the next run.
page = st.navigation(pages)
with st.sidebar:
    # One bilingual label: a label that changed with the language would make it a new widget.
    st.radio(
        "Language / Langue",
        options=list(i18n.LANGUAGES),
        format_func=i18n.LANGUAGE_NAMES.get,
        key="lang",
        horizontal=True,
    )
st.query_params["lang"] = st.session_state["lang"]


try:
    info = access.snapshot_info()
except access.NotPublished:
    st.title(tr("app.title"))
    st.error(tr("app.not_published"))
    st.stop()

with st.sidebar:
    when = i18n.timestamp(info.published_at, st.session_state["lang"]) if info.published_at else i18n.MISSING
    st.caption(tr("app.published", when=when))
    st.caption(tr("app.uploads_in_snapshot", count=i18n.number(info.extracts, st.session_state["lang"])))

page.run()
