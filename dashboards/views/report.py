"""The quarterly report: admins draft and approve it, an agency writes its note, funders and the council
download it once approved (accueil.access.quarterly decides; the page only follows)."""

from __future__ import annotations

import streamlit as st
import streamlit.components.v1 as components
from shared import READER, agency_label, lang, md, periods, quarter, select, tr, viewer

from accueil import access
from accueil.access import quarterly
from accueil.quarterly import document, review

st.title(tr("page.report"))
lg = lang()
me = viewer()

known = periods()
period = select(st, tr("quarterly.quarter"), known, index=len(known) - 1, format_func=quarter, key="r_quarter")
state = quarterly.review_state(period)
st.markdown(f"**{md(document.state_line(state, lg))}**")

# --- the admin's review --------------------------------------------------------------------------
if me.is_admin:
    left, right = st.columns(2)
    if left.button(tr("quarterly.draft"), key="r_draft"):
        review.draft(me, period)
        st.success(tr("quarterly.drafted"))
        st.rerun()
    if right.button(tr("quarterly.approve"), key="r_approve"):
        try:
            review.approve(me, period)
        except review.NotReady:
            st.warning(tr("quarterly.approve_first_draft"))
        else:
            st.success(tr("quarterly.approved"))
            st.rerun()

# --- an agency's note on its own section ------------------------------------------------------------
if me.role == "agency":
    st.header(tr("quarterly.my_note"))
    st.subheader(md(agency_label(me.agency)))
    current = quarterly.notes(period).get(me.agency, ("", "", ""))[0]
    text = st.text_area(tr("quarterly.my_note"), value=current, max_chars=review.MAX_NOTE_CHARS, key=f"r_note_{period}")
    if st.button(tr("quarterly.save_note"), key="r_save_note"):
        review.add_note(me, period, me.agency, text)
        st.success(tr("quarterly.note_saved"))

# --- the report: downloaded by funders and the council only once approved ---------------------------
if not quarterly.may_download(me, period):
    st.warning(tr("quarterly.not_approved"))
    st.stop()

built = document.build(me, period, lg, READER)
html_text = document.to_html(built)
name = f"report_{period}_{lg}"
st.download_button(
    tr("quarterly.download_html"),
    html_text.encode("utf-8"),
    file_name=f"{name}.html",
    mime="text/html",
    key="r_html",
    on_click=access.record_export,
    args=(me, f"report:{name}.html", 1),
)
# The PDF takes a few seconds to lay out: made when asked for, not on every run of the page.
if st.button(tr("quarterly.download_pdf"), key="r_pdf_make"):
    st.download_button(
        tr("quarterly.download_pdf"),
        document.to_pdf(built),
        file_name=f"{name}.pdf",
        mime="application/pdf",
        key="r_pdf",
        on_click=access.record_export,
        args=(me, f"report:{name}.pdf", 1),
    )
# In its own frame: the report's style stays in the report, not on the page.
components.html(html_text, height=900, scrolling=True)
