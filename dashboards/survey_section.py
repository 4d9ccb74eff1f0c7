"""Client feedback (docs/measures.md, "Client feedback"): the survey results the funders', council and
agency pages show, and the agency page's form for survey files.

Results come from marts.fct_survey_results through the access layer, suppressed cells marked
(x), never shown as zero.  The funders compare agencies; the council reads the region's; an
agency sees its own clients' answers beside the region's.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from shared import Col, agency_label, code, fetch, has_table, lang, md, quarter, select, show_table, tr, viewer
from uploader import file_uploader

from accueil import i18n
from accueil.contract import survey_contract

# The questions in the contract's order (accueil/contract/survey_v1.yaml).
ITEMS = [c.name for c in survey_contract().sheet("Responses").columns if f"survey.item.{c.name}" in i18n.LABELS]


def _results() -> pd.DataFrame | None:
    if not has_table("marts", "fct_survey_results"):
        return None
    rows = fetch("surveys.results")
    return None if rows.empty else rows


def _labelled(rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows.copy()
    rows["question"] = [tr(f"survey.item.{i}") for i in rows["item"]]
    rows["scale"] = [tr(f"survey.kind.{k}") for k in rows["item_kind"]]
    rows["agency"] = rows["agency_code"].map(agency_label)
    rows["stream"] = [
        tr("survey.all_streams") if s == "all" else code("service_stream", s) for s in rows["stream_code"]
    ]
    rows["order"] = rows["item"].map({item: n for n, item in enumerate(ITEMS)})
    return rows.sort_values(["order", "agency_code", "stream_code"])


def _columns(first: list[Col]) -> list[Col]:
    return [
        *first,
        Col("rate", "survey.share", "percent"),
        Col(("ci_low", "ci_high"), "common.interval", "interval"),
        Col("numerator", "survey.agreeing", "int"),
        Col("denominator", "survey.responses", "int"),
    ]


def survey_results(page: str, agency: str | None = None) -> None:
    """The section: page is 'funders' (any agency, and agencies compared), 'council' (the region) or
    'agency' (`agency`'s own clients beside the region's)."""
    st.header(tr("survey.title"))
    st.write(tr("survey.intro"))
    rows = _results()
    if rows is None:
        st.info(tr("survey.none"))
        return
    left, right = st.columns(2)
    survey = select(left, tr("survey.survey"), sorted(rows["survey_id"].unique()), key=f"{page}_survey")
    rows = rows.loc[rows["survey_id"] == survey]
    quarters = sorted(p for p in rows["period"].unique() if p != "all")
    period = select(right, tr("common.period"), ["all", *quarters], format_func=quarter, key=f"{page}_survey_period")
    rows = _labelled(rows.loc[rows["period"] == period])
    if page == "funders":
        scopes = ["ALL", *sorted(a for a in rows["agency_code"].unique() if a != "ALL")]
        scope = select(st, tr("survey.scope"), scopes, format_func=agency_label, key=f"{page}_survey_scope")
    else:
        scope = agency if page == "agency" and agency else "ALL"
    whole = rows.loc[rows["stream_code"] == "all"]
    if page == "agency":
        shown = whole.loc[whole["agency_code"].isin([scope, "ALL"])]
        caption = tr("survey.own_and_region", period=quarter(period))
        show_table(
            shown,
            _columns([Col("question", "survey.item"), Col("agency", "common.agency")]),
            key=f"{page}_items",
            caption=caption,
        )
    else:
        caption = tr("survey.items", scope=agency_label(scope), period=quarter(period))
        shown = whole.loc[whole["agency_code"] == scope]
        show_table(
            shown,
            _columns([Col("question", "survey.item"), Col("scale", "survey.kind")]),
            key=f"{page}_items",
            caption=caption,
        )
    item = select(st, tr("survey.item"), ITEMS, format_func=lambda i: tr(f"survey.item.{i}"), key=f"{page}_survey_item")
    name = tr(f"survey.item.{item}")
    streams = rows.loc[(rows["item"] == item) & (rows["agency_code"] == scope) & (rows["stream_code"] != "all")]
    show_table(
        streams,
        _columns([Col("stream", "survey.stream")]),
        key=f"{page}_streams",
        caption=tr("survey.by_stream", item=name, scope=agency_label(scope), period=quarter(period)),
    )
    if page == "funders":
        agencies = rows.loc[(rows["item"] == item) & (rows["stream_code"] == "all")]
        show_table(
            agencies,
            _columns([Col("agency", "common.agency")]),
            key=f"{page}_agencies",
            caption=tr("survey.by_agency", item=name, period=quarter(period)),
        )


def survey_upload(agency: str) -> None:
    """The agency page's form for a survey file: the same door as `accueil survey upload`."""
    from accueil.ingest.survey_web import submit_survey

    lg = lang()
    st.subheader(tr("survey.upload"))
    st.caption(tr("survey.upload_intro"))
    upload = file_uploader(tr("survey.file"), ["csv", "xlsx"], key="s_file")
    if st.button(tr("survey.submit"), disabled=upload is None, key="s_submit"):
        st.session_state["s_result"] = submit_survey(viewer(), upload.getvalue(), upload.name, agency, lg)
    result = st.session_state.get("s_result")
    if result is None:
        return
    if result.duplicate:
        st.info(
            tr(
                "agency.duplicate",
                when=i18n.timestamp(result.received_at, lg),
                upload_id=result.upload_id,
                status=tr(f"upload.{result.status}"),
            )
        )
    elif result.accepted:
        survey, _, period = (result.headline or "").partition(" ")
        st.success(
            tr(
                "survey.accepted",
                file=md(result.file_name),
                upload_id=result.upload_id,
                survey=md(survey),
                period=md(period),
            )
        )
    else:
        st.error(tr("survey.rejected", file=md(result.file_name), errors=result.errors))
    if not result.problems.empty:
        problems = result.problems.copy()
        problems["severity"] = [tr(f"agency.{s}") for s in problems["severity"]]
        show_table(
            problems,
            [
                Col("severity", "agency.severity"),
                Col("row", "agency.row", "int", hidden=None),
                Col("column", "agency.column"),
                Col("problem", "agency.problem"),
                Col("fix", "agency.fix"),
            ],
            key=f"survey_report_{result.upload_id}",
            caption=tr("agency.report"),
        )
