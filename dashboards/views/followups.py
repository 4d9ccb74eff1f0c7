"""Open referrals and overdue follow-ups: the partnership's counts, and an agency's lists of its own clients."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from shared import Col, agency_label, code, fetch, lang, md, select, show_table, tr, viewer

from accueil import access, i18n
from accueil.access import followups

st.title(tr("page.followups"))
st.write(tr("followups.intro"))
lg = lang()
me = viewer()

days, set_by_admin = followups.open_days()
how = tr("followups.days_set" if set_by_admin else "followups.days_default")
# Our own labels, with a number we formatted: Markdown as written (the command shown as code).
st.markdown(tr("followups.rule_referral", days=i18n.number(days, lg), how=how))
st.markdown(tr("followups.rule_followup"))
st.caption(tr("followups.days_how"))

counts = fetch("open_items.counts")
if not counts.empty:
    built = counts.loc[counts["item"] == "open_referral", "open_after_days"].dropna()
    if len(built) and int(built.iloc[0]) != days:
        st.info(tr("followups.days_pending", built=i18n.number(int(built.iloc[0]), lg), days=i18n.number(days, lg)))
    st.caption(tr("followups.as_of", date=i18n.day(counts["as_of_date"].iloc[0], lg)))

# --- the partnership's counts: suppressed like every published count -----------------------------
st.header(tr("followups.counts"))
wide = pd.DataFrame({"agency_code": sorted(set(counts["agency_code"]), key=lambda c: (c == "ALL", c))})
for item, name in (("open_referral", "referrals"), ("overdue_followup", "overdue")):
    mine = counts.loc[counts["item"] == item].set_index("agency_code")
    wide[name] = [mine["items"].get(c) for c in wide["agency_code"]]
    wide[f"{name}_hidden"] = [bool(mine["suppressed"].get(c, True)) for c in wide["agency_code"]]
wide["agency_label"] = [agency_label(c) for c in wide["agency_code"]]
show_table(
    wide,
    [
        Col("agency_label", "followups.agency"),
        Col("referrals", "followups.open_referrals", "int", hidden="referrals_hidden"),
        Col("overdue", "followups.overdue", "int", hidden="overdue_hidden"),
    ],
    key="followups_counts",
)

# --- an agency's own lists: by record id, consenting clients only -------------------------------
if me.role in ("agency", "admin"):
    st.header(tr("followups.lists"))
    if me.role == "agency":
        agency = me.agency
        st.subheader(md(agency_label(agency)))
    else:
        # The agency the admin chose on the agency page (or a link's ?agency=), kept between the two pages.
        agencies = list(fetch("catalog.agencies")["agency_code"])
        requested = st.query_params.get("agency")
        if requested in agencies and "a_agency" not in st.session_state:
            st.session_state["a_agency"] = requested
        agency = select(st, tr("followups.pick"), agencies, format_func=agency_label, key="a_agency")
    st.caption(tr("followups.lists_note"))

    try:
        referrals = followups.agency_list(me, "referrals", agency)
    except access.NotPublished:  # a home whose agencies' rows were not written yet: the next build writes them
        st.info(tr("followups.not_published"))
        st.stop()
    referrals["to_label"] = [agency_label(c) for c in referrals["receiving_agency_code"]]
    referrals["stream_label"] = [code("service_stream", s) if s else "" for s in referrals["referral_stream_code"]]
    st.subheader(tr("followups.open_referrals"))
    show_table(
        referrals,
        [
            Col("reported_quarter", "followups.quarter"),
            Col("record_id", "followups.record_id"),
            Col("to_label", "followups.to_agency"),
            Col("stream_label", "followups.stream"),
            Col("referral_date", "followups.referral_date", "date", hidden=None),
            Col("days_open", "followups.days_open", "int", hidden=None),
        ],
        key=f"open_referrals_{agency}",
    )

    overdue = followups.agency_list(me, "followups", agency)
    st.subheader(tr("followups.overdue"))
    show_table(
        overdue,
        [
            Col("reported_quarter", "followups.quarter"),
            Col("record_id", "followups.record_id"),
            Col("first_employment_date", "followups.first_employment", "date", hidden=None),
            Col("followup_due_date", "followups.due_date", "date", hidden=None),
            Col("days_overdue", "followups.days_overdue", "int", hidden=None),
        ],
        key=f"overdue_followups_{agency}",
    )
