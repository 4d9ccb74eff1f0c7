"""Accueil's dashboards: `accueil dashboard` (or `streamlit run dashboards/app.py`).

The entry point sets the language, signs the viewer in, offers the pages that viewer's
role has, shows how fresh the published snapshot is, and hands over to the chosen page.
Every page reads through accueil.access with the signed-in viewer, which enforces the
rights again: the navigation only spares people pages that would refuse them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # the pages import `shared` from this folder
    sys.path.insert(0, str(HERE))

import signin  # noqa: E402
from shared import VIEWER, md, new_run, tr  # noqa: E402

from accueil import access, i18n  # noqa: E402

st.set_page_config(page_title="Accueil", layout="wide")
new_run()

# The language can come from the address (?lang=fr), so a French link opens in French.
if "lang" not in st.session_state:
    requested = st.query_params.get("lang", "en")
    st.session_state["lang"] = requested if requested in i18n.LANGUAGES else "en"


def _language_switch() -> None:
    with st.sidebar:
        # One bilingual label: a label that changed with the language would make it a new widget.
        st.radio(
            "Language / Langue",
            options=list(i18n.LANGUAGES),
            format_func=i18n.LANGUAGE_NAMES.get,
            key="lang",
            horizontal=True,
        )


# Which pages each role is offered.  Council scorecard and client journeys are aggregates
# for everyone; the funders' page compares agencies' funding and costs, for funders, the
# council and admins; an agency's own quarter is for that agency (and admins, who choose); who has
# sent which quarter is for the council and admins (an agency sees its own on its page).  The
# service map holds reference data and suppressed aggregates only: every role has it.
PAGES = {
    "council": ("council.py", "page.council", ("agency", "funder", "council", "admin")),
    "funders": ("funders.py", "page.funders", ("funder", "council", "admin")),
    "agency": ("agency.py", "page.agency", ("agency", "admin")),
    "journeys": ("journeys.py", "page.journeys", ("agency", "funder", "council", "admin")),
    "submissions": ("submissions.py", "page.submissions", ("council", "admin")),
    # Counts for the partnership (suppressed), and for an agency its own lists (admins choose one).
    "followups": ("followups.py", "page.followups", ("agency", "council", "admin")),
    # Everyone has it: admins draft and approve, agencies annotate, funders and the council download once approved.
    "report": ("report.py", "page.report", ("agency", "funder", "council", "admin")),
    "map": ("service_map.py", "page.map", ("agency", "funder", "council", "admin")),
    "audit": ("audit.py", "page.audit", ("admin",)),
    # What the rejection reports' fixes refer to: reference text for whoever prepares an extract.
    "help": ("help.py", "page.help", ("agency", "funder", "council", "admin")),
}

st.session_state.pop(VIEWER, None)  # whatever an earlier run left, this run decides again
viewer = signin.current_viewer()
if viewer is None:  # the sign-in screen, with its language switch, and nothing else
    _language_switch()
    st.stop()
st.session_state[VIEWER] = viewer

pages = [
    st.Page(HERE / "views" / file, title=tr(label), url_path=slug, default=slug == "council")
    for slug, (file, label, roles) in PAGES.items()
    if viewer.role in roles
]
# The navigation goes first: the sidebar elements written before it are lost on the next run.
page = st.navigation(pages)
_language_switch()
st.query_params["lang"] = st.session_state["lang"]
with st.sidebar:
    st.markdown(tr("signin.as", name=md(viewer.name), role=md(signin.describe(viewer))))
    st.button(tr("signin.signout"), key="signout", on_click=signin.sign_out, args=(viewer,))

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

try:
    # One audit row per view of a page, not one per query it reads (accueil.access.audit.page_view).
    with access.page_view(viewer, page.url_path or "council"):
        page.run()
except access.AccessDenied as exc:
    # The access layer refused: a crafted parameter or a page a role should not reach.
    st.error(tr("app.denied", reason=md(str(exc))))
