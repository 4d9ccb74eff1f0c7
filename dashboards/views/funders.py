"""Funders: outputs beside outcomes, costs, agency comparisons with intervals, GBA+ and community size."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from charts import interval_chart
from shared import (
    Col,
    agency_label,
    code,
    coverage_cols,
    download,
    fetch,
    html_table,
    legend,
    md,
    outcome_name,
    periods,
    quarter,
    select,
    show_table,
    tr,
)
from survey_section import survey_results

from accueil import i18n, outcomes

# The headline outcomes, shown beside outputs and costs: the catalogue's, in its headline_order
# (seeds/outcome_catalogue.csv; marts.fct_outcomes_vs_outputs carries their columns).
HEADLINE = outcomes.headline()
GBA_BREAKDOWNS = ("gender", "age_band", "immigration_category", "official_language", "target_group")
# "Who we hear from" (marts.fct_followup_coverage): the outcomes that need a follow-up, and the groups
EMPLOYMENT = outcomes.get("employment_at_followup").code
ADJUSTED = outcomes.get("employment_at_followup_adjusted").code  # shown beside EMPLOYMENT, never instead
FOLLOWUP_OUTCOMES = (EMPLOYMENT, outcomes.get("sense_of_belonging").code)
HEARD_BREAKDOWNS = ("gender", "immigration_category", "official_language", "age_band", "community_size")

st.title(tr("page.funders"))
st.write(tr("funders.intro"))

quarters = periods()
all_periods = ["all", *quarters]

# --- outputs and outcomes, per agency, for one quarter --------------------------------------
st.header(tr("funders.outputs_vs_outcomes"))
period = select(st, tr("common.period"), quarters, index=len(quarters) - 1, format_func=quarter, key="f_quarter")
rows = fetch("outputs_outcomes.agencies", period=period)
rows["agency"] = rows["agency_code"].map(agency_label)
cols = [
    Col("agency", "common.agency"),
    Col("clients_served", "funders.clients_served", "int"),
    Col("services", "funders.services", "int"),
    Col("total_hours", "funders.hours", "int"),
    Col("funding_cad", "funders.funding", "money", hidden=None),
    Col("cost_per_client_served", "funders.cost_per_client", "money"),
]
for outcome in HEADLINE:
    # The rate, its denominator and its interval in one cell: every agency and every rate's
    # denominator fit a 1280-pixel screen, and none is read without the other.
    cols.append(
        Col(
            tuple(f"{outcome}_{part}" for part in ("rate", "ci_low", "ci_high", "denominator")),
            outcome_name(outcome),
            "rate_n_days" if outcomes.get(outcome).is_median else "rate_n",
            hidden=f"{outcome}_suppressed",
            translated=True,
        )
    )
show_table(rows, cols, key=f"outputs_outcomes_{period}", as_html=True)
st.caption(tr("funders.rate_cell"))

agencies = [a for a in rows["agency_code"] if a != "ALL"]
chosen = select(st, tr("common.agency"), agencies, format_func=agency_label, key="f_agency")
programs = fetch("outputs_outcomes.programs", agency=chosen, period=period)
names = fetch("catalog.programs").set_index("program_code")
name_column = "program_name_fr" if st.session_state.get("lang") == "fr" else "program_name_en"
programs["program"] = [f"{p} — {names.at[p, name_column]}" if p in names.index else p for p in programs["program_code"]]
programs["cost_outcome_name"] = [outcome_name(o) if isinstance(o, str) else "" for o in programs["cost_outcome"]]
show_table(
    programs,
    [
        Col("program", "common.program"),
        Col("clients_served", "funders.clients_served", "int"),
        Col("services", "funders.services", "int"),
        Col("total_hours", "funders.hours", "int"),
        Col("funding_cad", "funders.funding", "money", hidden=None),
        Col("cost_per_client_served", "funders.cost_per_client", "money"),
        Col("cost_outcome_name", "funders.cost_outcome"),
        Col("cost_outcome_numerator", "common.numerator", "int", hidden=None),
        Col("cost_per_positive_outcome", "funders.cost_per_outcome", "money", hidden=None),
    ],
    key=f"programs_{chosen}_{period}",
    caption=tr("funders.programs", agency=agency_label(chosen)),
)
st.caption(tr("funders.cost_caveat"))

# --- needs met beside the services that should have met them (issue 20) ------------------------
st.header(tr("funders.needs"))
st.write(tr("funders.needs_intro"))
# Quarters whose needs have been counted: a need is counted once its 180 days have ended.
need_quarters = [q for q in quarters if not fetch("needs.unmet", agency="ALL", period=q).empty]
if not need_quarters:
    st.info(tr("needs.no_quarter"))
else:
    left, right = st.columns(2)
    need_period = select(
        left, tr("common.period"), need_quarters, index=len(need_quarters) - 1, format_func=quarter, key="f_need_q"
    )
    need_agency = select(
        right,
        tr("funders.needs_agency"),
        ["ALL", *agencies],
        format_func=lambda a: tr("needs.all_agencies") if a == "ALL" else agency_label(a),
        key="f_need_agency",
    )
    needs = fetch("needs.unmet", agency=need_agency, period=need_period)
    delivered = fetch("outputs.period", agency=need_agency, period=need_period)
    name_column = "name_fr" if st.session_state.get("lang") == "fr" else "name_en"
    needs["need_name"] = needs[name_column]
    needs["stream_names"] = [
        ", ".join(code("service_stream", s) for s in streams.split("|"))
        if isinstance(streams, str)
        else tr("needs.referral_only")
        for streams in needs["stream_codes"]
    ]
    output = delivered.iloc[0] if len(delivered) == 1 else None
    needs["stream_services"] = [
        sum(output[f"{s}_services"] for s in streams.split("|"))
        if isinstance(streams, str) and output is not None and not bool(output["suppressed"])
        else None
        for streams in needs["stream_codes"]
    ]
    # A stream's services are hidden where the outputs row is suppressed, and absent for referral-only needs.
    needs["services_hidden"] = [
        isinstance(streams, str) and (output is None or bool(output["suppressed"])) for streams in needs["stream_codes"]
    ]
    needs["rate"] = needs["numerator"] / needs["denominator"]
    show_table(
        needs,
        [
            Col("need_name", "needs.need"),
            Col("denominator", "needs.named", "int"),
            Col("numerator", "needs.met", "int"),
            Col("rate", "common.rate", "percent"),
            Col("needs_unmet", "needs.unmet", "int"),
            Col("stream_names", "needs.streams", hidden=None),
            Col("stream_services", "needs.services", "int", hidden="services_hidden"),
        ],
        key=f"needs_{need_agency}_{need_period}",
    )

# --- comparing agencies: intervals, not a league table ------------------------------------
st.header(tr("funders.comparison"))
left, right = st.columns(2)
outcome = select(left, tr("common.outcome"), outcomes.codes(), format_func=outcome_name, key="f_outcome")
span = select(right, tr("common.period"), all_periods, format_func=quarter, key="f_period")
compare = fetch("outcomes.agencies", outcome=outcome, period=span)
chosen_outcome = outcomes.get(outcome)
days = chosen_outcome.is_median
region = compare.loc[compare["agency_code"] == "ALL"]
per_agency = compare.loc[compare["agency_code"] != "ALL"].copy()
per_agency["agency"] = per_agency["agency_code"].map(agency_label)
region_rate = None if region.empty or bool(region["suppressed"].iloc[0]) else float(region["rate"].iloc[0])
value_text = (
    i18n.number(region_rate, st.session_state.get("lang", "en"))
    if days
    else i18n.percent(region_rate, st.session_state.get("lang", "en"))
)
interval_chart(
    per_agency,
    "agency",
    tr("common.agency"),
    tr(
        "funders.comparison_chart_days" if days else "funders.comparison_chart",
        outcome=outcome_name(outcome),
        period=quarter(span),
    ),
    kind="days" if days else "percent",
    reference=region_rate,
    reference_label=tr("funders.region_line", value=value_text),
)
hidden = per_agency.loc[per_agency["suppressed"], "agency_code"].tolist()
if hidden:
    st.caption(tr("funders.suppressed_agencies", agencies=", ".join(md(a) for a in hidden)))
if chosen_outcome.benchmark_value is not None:  # an outside figure to read the region's against
    language = st.session_state.get("lang", "en")
    shown = i18n.number if days else i18n.percent
    st.caption(
        tr(
            "common.benchmark" if chosen_outcome.benchmark_target is None else "common.benchmark_target",
            source=chosen_outcome.benchmark_source(language),
            value=shown(chosen_outcome.benchmark_value, language),
            target=shown(chosen_outcome.benchmark_target, language),
        )
    )
rate_kind = "days" if days else "percent"
compare["agency"] = compare["agency_code"].map(agency_label)
show_table(
    compare,
    [
        Col("agency", "common.agency"),
        Col("numerator", "common.numerator", "int"),
        Col("denominator", "common.denominator", "int"),
        Col("rate", "common.median_days" if days else "common.rate", rate_kind),
        Col(("ci_low", "ci_high"), "common.interval", "interval_days" if days else "interval"),
        *coverage_cols(),
    ],
    key=f"compare_{outcome}_{span}",
)

if outcome == EMPLOYMENT and span == "all" and region_rate is not None:
    # published beside the plain rate, never instead of it (docs/measures.md)
    adjusted = fetch("outcomes.agencies", outcome=ADJUSTED, period="all")
    adjusted = adjusted.loc[(adjusted["agency_code"] == "ALL") & ~adjusted["suppressed"].astype(bool)]
    if not adjusted.empty:
        row, lg_ = adjusted.iloc[0], st.session_state.get("lang", "en")
        st.caption(
            tr(
                "funders.adjusted",
                rate=i18n.percent(float(row["rate"]), lg_),
                interval=i18n.interval(row["ci_low"], row["ci_high"], lg_, "percent"),
                plain=i18n.percent(region_rate, lg_),
            )
        )

# --- who we hear from: those reached by a follow-up beside those not reached -------------------
st.header(tr("funders.who_we_hear"))
st.write(tr("funders.who_we_hear_intro"))
left, right = st.columns(2)
heard_outcome = select(left, tr("common.outcome"), FOLLOWUP_OUTCOMES, format_func=outcome_name, key="f_heard")
heard_by = select(
    right, tr("common.breakdown"), HEARD_BREAKDOWNS, format_func=lambda b: tr(f"breakdown.{b}"), key="f_heard_by"
)
heard = fetch("followup.coverage", outcome=heard_outcome, breakdown=heard_by)
heard["group"] = [code(heard_by, v) for v in heard["breakdown_value"]]
show_table(
    heard,
    [
        Col("group", "common.group"),
        Col("covered_clients", "funders.covered", "int"),
        Col("not_covered_clients", "funders.not_covered", "int"),
        Col("covered_share", "funders.covered_share", "percent"),
        Col("not_covered_share", "funders.not_covered_share", "percent"),
        Col("share_gap_points", "funders.share_gap", "number1"),
    ],
    key=f"heard_{heard_outcome}_{heard_by}",
)

# --- GBA+ -------------------------------------------------------------------------------------
st.header(tr("funders.gba"))
breakdown = select(
    st, tr("common.breakdown"), GBA_BREAKDOWNS, format_func=lambda b: tr(f"breakdown.{b}"), key="f_breakdown"
)
groups = fetch("outcomes.breakdown", agency="ALL", period=span, breakdown=breakdown)
groups = groups.loc[groups["outcome"] == outcome].copy()
groups["group"] = [code(breakdown, v) for v in groups["breakdown_value"]]
interval_chart(
    groups,
    "group",
    tr(f"breakdown.{breakdown}"),
    tr("funders.gba_chart", outcome=outcome_name(outcome), breakdown=tr(f"breakdown.{breakdown}"), period=quarter(span))
    + ("" if not days else f" ({tr('unit.days')})"),
    kind=rate_kind,
)
show_table(
    groups,
    [
        Col("group", "common.group"),
        Col("numerator", "common.numerator", "int"),
        Col("denominator", "common.denominator", "int"),
        Col("rate", "common.median_days" if days else "common.rate", rate_kind),
        Col(("ci_low", "ci_high"), "common.interval", "interval_days" if days else "interval"),
        *coverage_cols(),
    ],
    key=f"gba_{outcome}_{breakdown}_{span}",
)

# The intersection: each cell is its own group, so each carries its own denominator.
st.subheader(tr("funders.intersection", outcome=outcome_name(outcome), period=quarter(span)))
cross = fetch("outcomes.breakdown", agency="ALL", period=span, breakdown="gender_x_immigration_category")
cross = cross.loc[cross["outcome"] == outcome].copy()
lg = st.session_state.get("lang", "en")
if cross.empty:
    st.info(tr("common.no_rows"))
else:
    parts = cross["breakdown_value"].str.split("|", n=1, expand=True)
    cross["gender"] = [code("gender", g) for g in parts[0]]
    cross["category"] = [code("immigration_category", c) for c in parts[1]]

    def _cell(row: pd.Series) -> str:
        if row["suppressed"]:
            return i18n.SUPPRESSED
        value = i18n.number(row["rate"], lg) if days else i18n.percent(row["rate"], lg)
        return f"{value} (n = {i18n.number(row['denominator'], lg)})"

    cross["cell"] = cross.apply(_cell, axis=1)
    matrix = cross.pivot(index="gender", columns="category", values="cell").fillna(i18n.MISSING)
    matrix.index.name = tr("breakdown.gender")
    # Every immigration category side by side, wrapped to the page: no column scrolled out of sight.
    matrix = matrix.reset_index()
    st.html(html_table(matrix, matrix, [Col(c, c, translated=True) for c in matrix.columns], "intersection"))
    rates = cross.assign(rate=cross["rate"].mask(cross["suppressed"].astype(bool))).pivot(
        index="gender", columns="category", values="rate"
    )
    rates.index.name = tr("breakdown.gender")
    download(rates, f"intersection_matrix_{outcome}_{span}", index=True)
    legend({i18n.SUPPRESSED} if cross["suppressed"].any() else set())
    show_table(
        cross,
        [
            Col("gender", "breakdown.gender"),
            Col("category", "breakdown.immigration_category"),
            Col("numerator", "common.numerator", "int"),
            Col("denominator", "common.denominator", "int"),
            Col("rate", "common.median_days" if days else "common.rate", rate_kind),
            Col(("ci_low", "ci_high"), "common.interval", "interval_days" if days else "interval"),
            *coverage_cols(),
        ],
        key=f"intersection_{outcome}_{span}",
    )

# --- small centres and rural, seen on their own ------------------------------------------------
st.header(tr("funders.community"))
sizes = fetch("outcomes.breakdown", agency="ALL", period=span, breakdown="community_size")
sizes = sizes.loc[sizes["unit"] == "proportion"].copy()
sizes["group"] = [code("community_size", v) for v in sizes["breakdown_value"]]
sizes["outcome_name"] = sizes["outcome"].map(outcome_name)
sizes["label"] = sizes["outcome_name"] + " — " + sizes["group"]
headline = sizes.loc[sizes["outcome"].isin(HEADLINE)]
interval_chart(
    headline,
    "label",
    tr("common.group"),
    tr("funders.community_chart", period=quarter(span)),
    color="group",
    color_title=tr("breakdown.community_size"),
)
show_table(
    sizes,
    [
        Col("outcome_name", "common.outcome"),
        Col("group", "breakdown.community_size"),
        Col("numerator", "common.numerator", "int"),
        Col("denominator", "common.denominator", "int"),
        Col("rate", "common.rate", "percent"),
        Col(("ci_low", "ci_high"), "common.interval", "interval"),
        *coverage_cols(),
    ],
    key=f"community_{span}",
)

# --- client feedback (issue 20): what clients say in the partnership's and agencies' surveys ---
survey_results("funders")
