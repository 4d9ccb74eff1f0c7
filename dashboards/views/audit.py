"""Audit log (admins only): who signed in, uploaded, viewed client-level data, changed roles or exported."""

from __future__ import annotations

import streamlit as st
from shared import Col, lang, select, show_table, tr, viewer

from accueil import access, i18n

st.title(tr("page.audit"))
st.write(tr("audit.intro"))
lg = lang()
me = viewer()

# Read before any widget: a non-admin who reached this page some other way is refused here.
actions = access.audit_actions(me)
top = st.columns(3)
action = select(top[0], tr("audit.action"), ["", *actions], format_func=lambda a: a or tr("audit.any"), key="l_action")
actor = top[1].text_input(tr("audit.actor"), key="l_actor", max_chars=128)
text = top[2].text_input(tr("audit.text"), key="l_text", max_chars=200)
bottom = st.columns(2)
since = bottom[0].date_input(tr("audit.since"), value=None, key="l_since")
until = bottom[1].date_input(tr("audit.until"), value=None, key="l_until")

rows = access.audit_log(
    me,
    action=action or None,
    actor=actor.strip() or None,
    text=text.strip() or None,
    since=since.isoformat() if since else None,
    until=until.isoformat() if until else None,
)
st.caption(tr("audit.rows", count=i18n.number(len(rows), lg)))
shown = rows.head(1000).copy()
shown["detail"] = [access.readable_detail(d) for d in shown["detail"]]
show_table(
    shown,
    [
        Col("audit_id", "audit.id", "int", hidden=None),
        Col("at", "audit.at", "timestamp", hidden=None),
        Col("actor", "audit.actor"),
        Col("action", "audit.action"),
        Col("target", "audit.target"),
        Col("detail", "audit.detail"),
    ],
    key="audit_log",
    as_html=True,  # the detail wraps, whole, instead of being cut at the column's edge
)
