"""Agency: upload the quarter's extract, see its report, the submission history, own figures, data quality."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st
from charts import period_bar_chart
from needs_section import agency_needs_and_voice
from shared import (
    Col,
    agency_label,
    coverage_cols,
    fetch,
    lang,
    md,
    outcome_name,
    periods,
    quarter,
    select,
    show_table,
    tr,
    viewer,
)
from survey_section import survey_results, survey_upload
from uploader import file_uploader

from accueil import access, build_progress, i18n
from accueil.access import submissions
from accueil.contract import extract_contract
from accueil.ingest.web import UploadResult, propose_quarter, submit_extract
from accueil.quarters import Quarter

HELP_PAGE = "views/help.py"  # as app.py registers it (dashboards/app.py, PAGES)

st.title(tr("page.agency"))
st.write(tr("agency.intro"))
lg = lang()

me = viewer()
agencies = list(fetch("catalog.agencies")["agency_code"])
# A link may name an agency (?agency=AG002).  An agency user always sees their own, whatever the
# address, the widget state or the link say; accueil.access would refuse any other one anyway.
requested = st.query_params.get("agency")
if me.role == "agency":
    agency = me.agency
    if requested is not None and requested != agency:
        st.warning(tr("agency.own_only", agency=md(agency)))
        st.query_params["agency"] = agency
    st.subheader(md(agency_label(agency)))
else:
    if requested in agencies and "a_agency" not in st.session_state:
        st.session_state["a_agency"] = requested
    agency = select(st, tr("agency.pick"), agencies, format_func=agency_label, key="a_agency")

# --- upload ------------------------------------------------------------------------------------
st.header(tr("agency.upload"))
known = periods()
# The door takes quarters up to the one after today's (the contract's `quarters:`): offer no later one.
latest = Quarter.current().next()
following = Quarter.parse(known[-1]).next() if known else Quarter.current()
choices = [*known, *(str(q) for q in (following, following.next()) if q <= latest and str(q) not in known)]


def _propose_quarter() -> None:
    # The quarter the chosen file covers, from the dates inside it, else from its name
    # ({AGENCY}_{YYYY}Q{n}...): preselected, and said under the choice.
    uploaded = st.session_state.get("a_file")
    if uploaded is None:
        st.session_state.pop("a_proposed", None)
        return
    proposed, source = propose_quarter(uploaded.getvalue(), uploaded.name)
    st.session_state["a_proposed"] = (proposed, source)
    if proposed in choices:
        st.session_state["a_quarter"] = st.session_state[f"a_quarter__{lg}"] = proposed


upload = file_uploader(tr("agency.file"), ["xlsx", "zip"], key="a_file", on_change=_propose_quarter)
period = select(
    st, tr("agency.quarter"), choices, index=choices.index(str(following)), format_func=quarter, key="a_quarter"
)
proposal = st.session_state.get("a_proposed") if upload is not None else None
if proposal and proposal[0]:
    proposed, source = proposal
    if proposed not in choices:
        st.warning(tr("agency.proposed_unavailable", quarter=quarter(proposed)))
    elif proposed != period:
        st.warning(tr(f"agency.proposed_other_{source}", quarter=quarter(proposed), chosen=quarter(period)))
    else:
        st.caption(tr(f"agency.proposed_{source}", quarter=quarter(proposed)))
if st.button(tr("agency.submit"), type="primary", disabled=upload is None, key="a_submit"):
    st.session_state["a_result"] = submit_extract(viewer(), upload.getvalue(), upload.name, agency, period, lg)

result: UploadResult | None = st.session_state.get("a_result")
if result is not None:
    status = tr(f"upload.{result.status}")
    if result.duplicate:
        st.info(
            tr(
                "agency.duplicate_rejected" if result.status == "rejected" else "agency.duplicate",
                when=i18n.timestamp(result.received_at, lg),
                upload_id=result.upload_id,
                status=status,
            )
        )
    elif result.accepted:
        st.success(
            tr("agency.accepted", file=md(result.file_name), upload_id=result.upload_id, warnings=result.warnings)
        )
    else:
        st.error(tr("agency.rejected", file=md(result.file_name), errors=result.errors))
    headline = result.headline_in(lg)  # the report, in the page's language, whichever it was sent in
    if headline and not result.accepted:  # uploaded as another quarter than its dates: said once, first
        st.error(md(headline))
    problems = result.problems_in(lg)
    if not problems.empty:
        problems = problems.copy()
        problems["severity"] = [tr(f"agency.{s}") for s in problems["severity"]]
        show_table(
            problems,
            [
                Col("severity", "agency.severity"),
                Col("sheet", "agency.sheet"),
                Col("row", "agency.row", "int", hidden=None),
                Col("column", "agency.column"),
                Col("problem", "agency.problem"),
                Col("fix", "agency.fix"),
            ],
            key=f"report_{result.upload_id}",
            caption=tr("agency.report"),
            as_html=True,
        )
        # The help page the fixes point to, served by these dashboards, in the page's language.
        st.page_link(HELP_PAGE, label=tr("agency.help_link"), icon=":material/help:", query_params={"lang": lg})
    if result.report_html:
        st.download_button(
            tr("agency.report_html"),
            result.report_html,
            file_name=f"report_{result.upload_id:06d}.html",
            mime="text/html",
            key="a_report_html",
            on_click="ignore",
        )

# --- own submission status and due dates, live from the upload register (accueil.access.submissions) ---
st.header(tr("submissions.own"))
own = pd.concat(
    [access.submission_status(viewer(), q, agency) for q in submissions.tracked_quarters()], ignore_index=True
)
awaited = own.iloc[0]  # the newest tracked quarter: the one awaited now, or a later one already sent
line = tr(
    "submissions.own_line",
    quarter=quarter(awaited["quarter"]),
    state=tr(f"submissions.state.{awaited['status']}"),
    date=i18n.day(awaited["due_date"], lg),
)
(st.success if awaited["status"] == "accepted" else st.warning)(line)
show_table(
    own.assign(
        state_label=[tr(f"submissions.state.{s}") for s in own["status"]],
        late_label=[tr("submissions.yes" if late else "submissions.no") for late in own["late"]],
        quarter_label=[quarter(q) for q in own["quarter"]],
    ),
    [
        Col("quarter_label", "submissions.quarter"),
        Col("due_date", "submissions.due_date", "date", hidden=None),
        Col("state_label", "submissions.status"),
        Col("late_label", "submissions.late"),
        Col("upload_id", "submissions.upload_id", "int", hidden=None),
        Col("received_at", "submissions.received", "timestamp", hidden=None),
    ],
    key=f"own_submissions_{agency}",
)

# --- publication: where the newest upload stands, refreshed until it is published or failed ------
IN_PROGRESS = ("received", "waiting", "building")


def _publication_panel(history) -> None:
    latest = history.iloc[0]
    state = latest["state"]
    line = tr(
        "agency.latest_state",
        upload_id=int(latest["upload_id"]),
        quarter=quarter(latest["quarter"]),
        state=tr(f"publication.{state}"),
    )
    if state == "published":
        st.success(line + " " + tr("agency.published_at", when=i18n.timestamp(latest["published_at"], lg)))
    elif state == "failed":
        st.error(line + " " + tr("agency.build_failed", reason=md(latest["build_error"] or "?")))
    elif state in IN_PROGRESS:
        st.info(line + " " + tr("agency.in_progress"))
        found = build_progress.of_running_build() if state == "building" else None
        if found:
            st.progress(found.done / found.total, text=tr("agency.build_progress", done=found.done, total=found.total))
    else:
        st.info(line)


history = access.upload_history(viewer(), agency)
if not history.empty:
    st.header(tr("agency.publication"))
    if history.iloc[0]["state"] in IN_PROGRESS:
        # Every 2 s: the bar moves as dbt finishes its nodes, and the figures show soon after they are published.
        @st.fragment(run_every=2)
        def _watch() -> None:
            now = access.upload_history(viewer(), agency)
            if now.iloc[0]["state"] not in IN_PROGRESS:
                st.rerun(scope="app")  # published or failed: the whole page, with the new figures
            _publication_panel(now)

        _watch()
    else:
        _publication_panel(history)

# --- submission history (the upload register, read-only) ---------------------------------------
st.header(tr("agency.history"))
if history.empty:
    st.info(tr("agency.no_history"))
else:
    shown = history.assign(
        status_label=[tr(f"upload.{s}") for s in history["status"]],
        state_label=[tr(f"publication.{s}") for s in history["state"]],
        counts_label=[tr(f"agency.counts.{c}") for c in history["counts"]],
        quarter_label=[quarter(q) for q in history["quarter"]],
    )
    show_table(
        shown,
        [
            Col("upload_id", "agency.upload_id", "int", hidden=None),
            Col("quarter_label", "common.period"),
            Col("file_name", "agency.file_name"),
            Col("received_at", "agency.received", "timestamp", hidden=None),
            Col("received_by", "agency.by"),
            Col("status_label", "agency.status"),
            Col("state_label", "agency.state"),
            Col("counts_label", "agency.counts"),
            Col("errors", "agency.errors", "int", hidden=None),
            Col("warnings", "agency.warnings", "int", hidden=None),
        ],
        key=f"history_{agency}",
    )

# --- own outputs and outcomes ------------------------------------------------------------------
st.header(tr("agency.outputs"))
outputs = fetch("outputs.agency", agency=agency)
outputs["quarter"] = outputs["period"].map(quarter)
visible = outputs.loc[~outputs["suppressed"].astype(bool)]
if not visible.empty:
    period_bar_chart(visible, "clients_served", tr("funders.clients_served"))
    st.caption(tr("agency.outputs_chart"))
show_table(
    outputs,
    [
        Col("quarter", "common.period"),
        Col("clients_served", "funders.clients_served", "int"),
        Col("services", "funders.services", "int"),
        Col("referrals_made", "journeys.referrals", "int"),
        Col("orientation_hours", "agency.orientation_hours", "number1"),
        Col("language_training_hours", "agency.lt_hours", "number1"),
    ],
    key=f"outputs_{agency}",
)

st.header(tr("agency.outcomes"))
trend = fetch("outcomes.trend", agency=agency)
trend["quarter"] = trend["period"].map(quarter)
trend["outcome_name"] = trend["outcome"].map(outcome_name)
proportions = trend.loc[trend["unit"] == "proportion"]
show_table(
    proportions,
    [
        Col("outcome_name", "common.outcome"),
        Col("quarter", "common.period"),
        Col("numerator", "common.numerator", "int"),
        Col("denominator", "common.denominator", "int"),
        Col("rate", "common.rate", "percent"),
        Col(("ci_low", "ci_high"), "common.interval", "interval"),
        *coverage_cols(),
    ],
    key=f"outcomes_{agency}",
)

# --- needs named here and not met, and what the agency's clients say (issue 20) ------------------
agency_needs_and_voice(agency)

# --- data quality: completeness per field and timeliness ----------------------------------------
st.header(tr("agency.quality"))
loaded = fetch("agency.loaded_quarters", agency=agency)
if loaded.empty:
    st.info(tr("common.no_rows"))
else:
    checked = select(
        st,
        tr("agency.quality_quarter"),
        list(loaded["quarter"]),
        index=len(loaded) - 1,
        format_func=quarter,
        key="a_quality_quarter",
    )
    # One row per sheet and column of the extract (marts.fct_extract_completeness), shown in the
    # contract's words: its sheet names and its column labels in the page's language.
    counts = fetch("agency.completeness", agency=agency, quarter=checked)
    found = {(r.table_name, r.column_name): (int(r.row_count), int(r.filled_count)) for r in counts.itertuples()}
    fields = []
    for sheet in extract_contract().sheets:
        for column in sheet.columns:
            if (sheet.table, column.name) not in found:
                continue
            rows, filled = found[(sheet.table, column.name)]
            fields.append(
                {
                    "sheet": sheet.name,
                    "field": f"{column.name} — {column.label_fr if lg == 'fr' else column.label_en}",
                    "required": tr("agency.yes" if column.required else "agency.no"),
                    "filled": filled,
                    "rows": rows,
                    "share": filled / rows if rows else None,
                }
            )
    if not fields:  # a quarter the snapshot lists as loaded always has its counts; said plainly if not
        st.info(tr("common.no_rows"))
    else:
        quality = pd.DataFrame(fields).sort_values(["share", "sheet", "field"], na_position="last")
        show_table(
            quality,
            [
                Col("sheet", "agency.sheet"),
                Col("field", "agency.field"),
                Col("required", "agency.required"),
                Col("filled", "agency.filled", "int", hidden=None),
                Col("rows", "agency.rows", "int", hidden=None),
                Col("share", "agency.complete", "percent", hidden=None),
            ],
            key=f"completeness_{agency}_{checked}",
            caption=tr("agency.completeness", quarter=quarter(checked)),
        )

st.subheader(tr("agency.timeliness"))
if history.empty:
    st.info(tr("agency.no_history"))
else:
    timely = []
    for q, group in history.groupby("quarter"):
        end = Quarter.parse(q).end
        first = min(group["received_at"])
        accepted = group.loc[group["status"].isin(["accepted", "loaded", "superseded"]), "received_at"]
        timely.append(
            {
                "quarter": quarter(q),
                "quarter_end": end,
                "first_received": first,
                "days_after": (datetime.fromisoformat(first).date() - end).days,
                "first_accepted": min(accepted) if len(accepted) else None,
                "attempts": len(group),
            }
        )
    show_table(
        pd.DataFrame(timely),
        [
            Col("quarter", "common.period"),
            Col("quarter_end", "agency.quarter_end", "date", hidden=None),
            Col("first_received", "agency.first_received", "timestamp", hidden=None),
            Col("days_after", "agency.days_after", "int", hidden=None),
            Col("first_accepted", "agency.first_accepted", "timestamp", hidden=None),
            Col("attempts", "agency.attempts", "int", hidden=None),
        ],
        key=f"timeliness_{agency}",
    )

# --- client feedback (issue 20): own clients' answers beside the region's, and the survey file form ---
survey_results("agency", agency)
if me.may_upload(agency):
    survey_upload(agency)
