"""Client journeys: referral flows between agencies, their completion, and the wait for a first service."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st
from shared import (
    Col,
    agency_label,
    code,
    coverage_cols,
    download,
    fetch,
    interval_chart,
    lang,
    legend,
    periods,
    quarter,
    select,
    show_table,
    tr,
)

from accueil import i18n, outcomes

STREAMS = ("language_training", "employment", "community_connections")
# The two outcomes of a client's journey, from the catalogue (seeds/outcome_catalogue.csv): a code
# it does not hold fails here, when the page loads, instead of leaving its charts empty.
COMPLETION = outcomes.get("referral_completion_90d").code
INTERNAL = outcomes.get("internal_referral_completion_90d").code
WAITING = outcomes.get("days_arrival_to_first_service").code

st.title(tr("page.journeys"))
st.write(tr("journeys.intro"))
lg = lang()

left, right = st.columns(2)
span = select(left, tr("common.period"), ["all", *periods()], format_func=quarter, key="j_period")
stream = select(
    right,
    tr("journeys.stream"),
    ["all", *STREAMS],
    format_func=lambda s: tr("journeys.all_streams") if s == "all" else code("service_stream", s),
    key="j_stream",
)

# --- flows -------------------------------------------------------------------------------------
st.header(tr("journeys.flows"))
flows = fetch("referrals.flows", period=span, stream=stream)
drawn = flows.loc[~flows["suppressed"]]
if drawn.empty:
    st.info(tr("common.no_rows"))
else:
    # Origins and destinations are separate nodes: a Sankey cannot draw A -> B and B -> A on one node set.
    origins = sorted(drawn["from_code"].unique())
    targets = sorted(drawn["to_code"].unique())
    labels = [f"{a} →" for a in origins] + [f"→ {a}" for a in targets]
    index = {("from", a): i for i, a in enumerate(origins)} | {
        ("to", a): len(origins) + i for i, a in enumerate(targets)
    }
    figure = go.Figure(
        go.Sankey(
            node={"label": labels, "pad": 12, "thickness": 14},
            link={
                "source": [index[("from", a)] for a in drawn["from_code"]],
                "target": [index[("to", a)] for a in drawn["to_code"]],
                "value": [int(v) for v in drawn["referrals"]],
            },
        )
    )
    figure.update_layout(title_text=tr("journeys.sankey", period=quarter(span)), height=560)
    st.plotly_chart(figure, width="stretch")

flows["from_agency"] = flows["from_code"].map(agency_label)
flows["to_agency"] = flows["to_code"].map(agency_label)
matrix = flows.assign(
    cell=[
        i18n.SUPPRESSED if s else i18n.number(v, lg)
        for s, v in zip(flows["suppressed"], flows["referrals"], strict=True)
    ]
).pivot(index="from_code", columns="to_code", values="cell")
st.markdown(f"**{tr('journeys.matrix')}**")
if not matrix.empty:
    # An agency pair with no referral at all is a true zero, not a hidden count.
    matrix = matrix.fillna(i18n.number(0, lg))
    matrix.index.name = tr("journeys.from")
    st.dataframe(matrix, width="stretch")
    counts = flows.pivot(index="from_code", columns="to_code", values="referrals")
    counts.index.name = tr("journeys.from")
    download(counts, f"flow_matrix_{span}_{stream}", index=True)
    legend({i18n.SUPPRESSED} if flows["suppressed"].any() else set())
show_table(
    flows,
    [
        Col("from_agency", "journeys.from"),
        Col("to_agency", "journeys.to"),
        Col("referrals", "journeys.referrals", "int"),
    ],
    key=f"flows_{span}_{stream}",
)

# --- completion: to partners ("no wrong door"), then within the agency ----------------------------
for measure, heading, chart in (
    (COMPLETION, "journeys.completion", "journeys.completion_chart"),
    (INTERNAL, "journeys.internal_completion", "journeys.internal_completion_chart"),
):
    st.header(tr(heading))
    if measure == INTERNAL:
        st.write(tr("journeys.internal_intro"))
    completion = fetch("outcomes.agencies", outcome=measure, period=span)
    completion["agency"] = completion["agency_code"].map(agency_label)
    region = completion.loc[completion["agency_code"] == "ALL"]
    region_rate = None if region.empty or bool(region["suppressed"].iloc[0]) else float(region["rate"].iloc[0])
    interval_chart(
        completion.loc[completion["agency_code"] != "ALL"],
        "agency",
        tr("journeys.from"),
        tr(chart, period=quarter(span)),
        reference=region_rate,
        reference_label=tr("funders.region_line", value=i18n.percent(region_rate, lg)),
    )
    show_table(
        completion,
        [
            Col("agency", "journeys.from"),
            Col("numerator", "journeys.completed", "int"),
            Col("denominator", "journeys.referrals", "int"),
            Col("rate", "common.rate", "percent"),
            Col(("ci_low", "ci_high"), "common.interval", "interval"),
            *coverage_cols(),
        ],
        key=f"{measure}_{span}",
    )

# --- from arrival to first service ----------------------------------------------------------------
st.header(tr("journeys.waiting"))
waiting = fetch("outcomes.breakdown", agency="ALL", period=span, breakdown="immigration_category")
waiting = waiting.loc[waiting["outcome"] == WAITING].copy()
waiting["group"] = [code("immigration_category", v) for v in waiting["breakdown_value"]]
interval_chart(
    waiting, "group", tr("breakdown.immigration_category"), tr("journeys.waiting_chart", period=quarter(span)), "days"
)
show_table(
    waiting,
    [
        Col("group", "breakdown.immigration_category"),
        Col("denominator", "common.clients", "int"),
        Col("rate", "common.median_days", "days"),
        Col(("ci_low", "ci_high"), "common.interval", "interval_days"),
        *coverage_cols(),
    ],
    key=f"waiting_{span}",
)
trend = fetch("outcomes.trend", agency="ALL")
trend = trend.loc[trend["outcome"] == WAITING].copy()
trend["quarter"] = trend["period"].map(quarter)
interval_chart(trend, "quarter", tr("common.period"), tr("journeys.waiting_trend"), "days")
