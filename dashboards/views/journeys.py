"""Client journeys: referral flows between agencies, their completion, and the wait for a first service."""

from __future__ import annotations

import plotly.graph_objects as go
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

# Vega's tableau20 scheme: twenty colours, enough for each agency of a partnership to have its own.
AGENCY_COLOURS = (
    "#4c78a8", "#f58518", "#54a24b", "#e45756", "#b279a2", "#9e765f", "#439894", "#d67195", "#b79a20", "#79706e",
    "#9ecae9", "#ffbf79", "#88d27a", "#ff9d98", "#d6a5c9", "#d8b5a5", "#83bcb6", "#fcbfd2", "#f2cf5b", "#bab0ac",
)  # fmt: skip


def _height(agency: str, agencies: list[str]) -> float:
    return 0.02 + 0.96 * agencies.index(agency) / max(len(agencies) - 1, 1)


def _translucent(hex_colour: str, alpha: float = 0.45) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


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
    # Each agency keeps one colour on both sides, and each flow takes its origin's, so a reader can
    # follow an agency across; the values are in the matrix and table below.
    origins = sorted(drawn["from_code"].unique())
    targets = sorted(drawn["to_code"].unique())
    agencies = sorted(set(origins) | set(targets))
    colour = {a: AGENCY_COLOURS[i % len(AGENCY_COLOURS)] for i, a in enumerate(agencies)}
    labels = [f"{a} →" for a in origins] + [f"→ {a}" for a in targets]
    index = {("from", a): i for i, a in enumerate(origins)} | {
        ("to", a): len(origins) + i for i, a in enumerate(targets)
    }
    figure = go.Figure(
        go.Sankey(
            arrangement="fixed",
            node={
                "label": labels,
                "pad": 10,
                "thickness": 16,
                "color": [colour[a] for a in origins] + [colour[a] for a in targets],
                # Both sides in the agencies' order, top to bottom, so an agency sits at the same height.
                "x": [0.001] * len(origins) + [0.999] * len(targets),
                "y": [_height(a, agencies) for a in origins] + [_height(a, agencies) for a in targets],
                "hovertemplate": "%{label}: %{value}<extra></extra>",
            },
            link={
                "source": [index[("from", a)] for a in drawn["from_code"]],
                "target": [index[("to", a)] for a in drawn["to_code"]],
                "value": [int(v) for v in drawn["referrals"]],
                "color": [_translucent(colour[a]) for a in drawn["from_code"]],
                "hovertemplate": "%{source.label} %{target.label}: %{value}<extra></extra>",
            },
        )
    )
    # The title is the page's own subheading: a Plotly title is cut off when it is wider than the chart.
    st.markdown(f"**{tr('journeys.sankey', period=quarter(span))}**")
    figure.update_layout(height=40 * max(len(origins), len(targets)) + 80, margin={"l": 10, "r": 10, "t": 10, "b": 10})
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
    # Every agency's row and column in sight at 1280 pixels: an HTML table, not a scrolling grid.
    shown = matrix.reset_index()
    st.html(html_table(shown, shown, [Col(c, c, translated=True) for c in shown.columns], "flow_matrix"))
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
