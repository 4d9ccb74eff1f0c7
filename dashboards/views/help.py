"""Help: each sheet of the agency extract, its columns as the workbook labels them, and the values each accepts.

What a rejection report's "How to fix it" points to, served here in the reader's language instead
of a file in the source repository.  It reads the extract contract (accueil.contract), which is
reference data, not anyone's records.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from shared import Col, html_table, lang, md, render_table, tr

from accueil.contract import bounds_text, extract_contract
from accueil.report.workbook_terms import valid_values


def reference_table(frame: pd.DataFrame, cols: list[Col], key: str) -> None:
    """Reference text (the help page's), as an HTML table that wraps to the page: no CSV, no legend."""
    shown, _, _ = render_table(frame, cols, lang())
    st.html(html_table(shown, frame, cols, key))


st.title(tr("page.help"))
st.write(tr("help.intro"))
lg = lang()
contract = extract_contract()


def _accepts(column) -> str:
    """What a column accepts, in words: its code list's values, its range, its form."""
    if column.codelist:
        return valid_values(column.codelist, lg)
    parts = [tr(f"help.type.{column.type}")]
    if column.min is not None and column.max is not None:
        parts.append(tr("help.range", low=f"{column.min:g}", high=f"{column.max:g}"))
    if column.earliest or column.latest:
        parts.append(bounds_text(column.earliest, column.latest, lg))
    if column.max_length:
        parts.append(tr("help.max_length", count=column.max_length))
    return "; ".join(parts)


def _required(column) -> str:
    if column.required:
        return tr("help.yes")
    if column.required_with:
        return tr("help.required_with", column=column.required_with)
    return ""


st.header(tr("help.identifiers"))
st.write(tr("help.identifiers_intro"))
reasons = contract.direct_identifiers_fr if lg == "fr" else contract.direct_identifiers
identifiers = pd.DataFrame([(name, why) for name, why in reasons.items()], columns=["column", "why"])
reference_table(identifiers, [Col("column", "help.machine_name"), Col("why", "help.why")], "identifiers")

st.header(tr("help.sheets"))
for sheet in contract.sheets:
    name = sheet.name_fr if lg == "fr" else sheet.name
    st.subheader(md(name if name == sheet.name else f"{name} ({sheet.name})"))
    rows = pd.DataFrame(
        [
            (
                c.label_fr if lg == "fr" else c.label_en,
                c.name,
                _required(c),
                _accepts(c),
                c.description_fr if lg == "fr" else c.description_en,
            )
            for c in sheet.columns
        ],
        columns=["label", "name", "required", "accepts", "description"],
    )
    cols = [
        Col("label", "help.column"),
        Col("name", "help.machine_name"),
        Col("required", "help.required"),
        Col("accepts", "help.accepts"),
        Col("description", "help.description"),
    ]
    reference_table(rows, cols, f"help-{sheet.name}")
