"""Needs met and client voice on the agency page (issue 20; docs/measures.md, "Needs met"): the needs
named at the agency's own assessments and not met, and what its own clients say, over the whole
period.  Aggregates of its own cells, suppressed as everywhere (x, never zero)."""

from __future__ import annotations

import streamlit as st
from shared import Col, fetch, lang, outcome_name, show_table, tr

from accueil import outcomes


def agency_needs_and_voice(agency: str) -> None:
    st.header(tr("agency.unmet"))
    st.write(tr("agency.unmet_intro"))
    unmet = fetch("needs.unmet", agency=agency, period="all")
    unmet["need_name"] = unmet["name_fr" if lang() == "fr" else "name_en"]
    show_table(
        unmet,
        [
            Col("need_name", "needs.need"),
            Col("denominator", "needs.named", "int"),
            Col("needs_unmet", "needs.unmet", "int"),
            Col("share_unmet", "needs.share_unmet", "percent"),
        ],
        key=f"unmet_{agency}",
    )

    st.header(tr("agency.voice"))
    st.write(tr("agency.voice_intro"))
    said = fetch("outcomes.breakdown", agency=agency, period="all", breakdown="all")
    voice_codes = [
        outcomes.get("satisfied_with_services").code,
        outcomes.get("would_recommend").code,
        outcomes.get("has_people_to_turn_to").code,
        outcomes.get("served_in_french").code,
    ]
    said = said.loc[said["outcome"].isin(voice_codes)].copy()
    said["outcome_name"] = said["outcome"].map(outcome_name)
    show_table(
        said,
        [
            Col("outcome_name", "common.outcome"),
            Col("numerator", "common.numerator", "int"),
            Col("denominator", "common.denominator", "int"),
            Col("rate", "common.rate", "percent"),
            Col(("ci_low", "ci_high"), "common.interval", "interval"),
        ],
        key=f"voice_{agency}",
    )
