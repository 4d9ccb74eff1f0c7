"""Submissions: which agencies sent the quarter's extract, against its due date (admins and the council)."""

from __future__ import annotations

import streamlit as st
from shared import Col, lang, quarter, select, show_table, tr, viewer

from accueil import i18n
from accueil.access import submissions

st.title(tr("page.submissions"))
st.write(tr("submissions.intro"))
lg = lang()

choices = submissions.tracked_quarters()
period = select(st, tr("submissions.quarter"), choices, format_func=quarter, key="s_quarter")
due, set_by_admin = submissions.due_dates([period])[period]
how = tr("submissions.due_set" if set_by_admin else "submissions.due_default")
st.subheader(tr("submissions.due", date=i18n.day(due, lg)))
st.caption(f"{how}. {tr('submissions.due_how')}")

rows = submissions.submission_status(viewer(), period)
counts = rows["status"].value_counts()
for column, state in zip(st.columns(len(submissions.STATES)), submissions.STATES, strict=True):
    column.metric(tr(f"submissions.state.{state}"), i18n.number(int(counts.get(state, 0)), lg))

shown = rows.assign(
    state_label=[tr(f"submissions.state.{s}") for s in rows["status"]],
    late_label=[tr("submissions.yes" if late else "submissions.no") for late in rows["late"]],
    quarter_label=[quarter(q) for q in rows["quarter"]],
)
show_table(
    shown,
    [
        Col("agency_code", "submissions.agency"),
        Col("agency_name", "submissions.name"),
        Col("quarter_label", "submissions.quarter"),
        Col("due_date", "submissions.due_date", "date", hidden=None),
        Col("state_label", "submissions.status"),
        Col("late_label", "submissions.late"),
        Col("upload_id", "submissions.upload_id", "int", hidden=None),
        Col("received_at", "submissions.received", "timestamp", hidden=None),
        Col("attempts", "submissions.attempts", "int", hidden=None),
        Col("rejected_attempts", "submissions.rejected_attempts", "int", hidden=None),
    ],
    key=f"submissions_{period}",
)
