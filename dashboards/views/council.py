"""Council: welcoming-community indicators against baseline and target, by characteristic."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
from shared import Col, coverage_cols, fetch, has_table, lang, legend, md, select, show_table, tr
from survey_section import survey_results

from accueil import i18n, outcomes

st.title(tr("page.council"))
st.write(tr("council.intro"))

if not has_table("marts", "fct_indicator_progress"):
    st.info(tr("council.not_loaded"))
    st.stop()

lg = lang()
progress = fetch("indicators.progress")
suffix = "fr" if lg == "fr" else "en"
progress["indicator"] = progress[f"name_{suffix}"]
progress["characteristic"] = [
    f"{n}. {c}" for n, c in zip(progress["characteristic_number"], progress[f"characteristic_{suffix}"], strict=True)
]
progress["geography"] = progress[f"geography_name_{suffix}"]

left, right = st.columns(2)
geographies = list(dict.fromkeys(progress["geography_code"]))
geo_names = dict(zip(progress["geography_code"], progress["geography"], strict=False))
geography = select(left, tr("council.geography"), geographies, format_func=geo_names.get, key="c_geo")
characteristics = ["all", *dict.fromkeys(progress["characteristic"])]
characteristic = select(
    right,
    tr("council.characteristic"),
    characteristics,
    format_func=lambda c: tr("council.all_characteristics") if c == "all" else c,
    key="c_char",
)

shown = progress.loc[progress["geography_code"] == geography]
if characteristic != "all":
    shown = shown.loc[shown["characteristic"] == characteristic]
latest = shown.loc[shown["is_latest"].fillna(False).astype(bool)].copy()

freshest = latest["period_end"].max() if not latest.empty else None
if freshest is not None and not pd.isna(freshest):
    st.caption(tr("council.freshness", period=i18n.day(freshest, lg)))

# Status at a glance: how many indicators improved, worsened or did not clearly move.
counts = latest["status"].value_counts()
for column, status in zip(st.columns(4), ("improved", "worsened", "no_clear_change", "no_baseline"), strict=True):
    column.metric(tr(f"status.{status}"), i18n.number(int(counts.get(status, 0)), lg))


def _value(row: pd.Series, column: str) -> float | None:
    value = row[column]
    return None if pd.isna(value) else float(value) / (100.0 if row["unit"] == "percent" else 1.0)


def _formatted(value: float | None, unit: str) -> str:
    if value is None:
        return i18n.MISSING
    if unit == "percent":
        return i18n.percent(value, lg)
    return i18n.number(value, lg, 0 if unit in ("count", "days") else 1)


latest["status_label"] = [tr(f"status.{s}") for s in latest["status"]]
latest["unit_label"] = [tr(f"unit.{u}") for u in latest["unit"]]
latest["direction_label"] = [
    tr("council.higher" if d == "higher_is_better" else "council.lower") for d in latest["direction"]
]
for column in ("value", "baseline_value", "target_value"):
    latest[f"{column}_text"] = [
        i18n.SUPPRESSED if column == "value" and bool(r["suppressed"]) else _formatted(_value(r, column), r["unit"])
        for _, r in latest.iterrows()
    ]
# A change between two percentages is a difference in points, not a percentage of anything.
latest["change_since_baseline_text"] = [
    i18n.MISSING
    if pd.isna(r["change_since_baseline"])
    else f"{i18n.number(float(r['change_since_baseline']), lg, 1)} {tr('unit.points')}"
    if r["unit"] == "percent"
    else _formatted(_value(r, "change_since_baseline"), r["unit"])
    for _, r in latest.iterrows()
]

for name, group in latest.groupby("characteristic", sort=False):
    st.subheader(md(name))  # from the catalogue, which a partnership may edit: shown as text
    show_table(
        group,
        [
            Col("indicator", "council.indicator"),
            Col("period", "council.latest"),
            Col("value_text", "council.value"),
            Col("baseline_period", "council.baseline_period"),
            Col("baseline_value_text", "council.baseline"),
            Col("change_since_baseline_text", "council.change"),
            Col("target_value_text", "council.target"),
            Col("progress_to_target_pct", "council.progress", "percent_of_100", hidden=None),
            Col("status_label", "council.status"),
            Col("unit_label", "council.unit"),
            Col("direction_label", "council.direction"),
        ],
        key=f"indicators_{geography}_{group['characteristic_number'].iloc[0]}",
    )
    legend({i18n.SUPPRESSED} if group["suppressed"].any() else set())

st.header(tr("council.trend_pick"))
codes = list(dict.fromkeys(shown["indicator_code"]))
names = dict(zip(shown["indicator_code"], shown["indicator"], strict=False))
if codes:
    chosen = select(st, tr("council.trend_pick"), codes, format_func=names.get, key="c_indicator")
    series = shown.loc[(shown["indicator_code"] == chosen) & ~shown["suppressed"].astype(bool)].copy()
    unit = series["unit"].iloc[0] if not series.empty else "count"
    series["when"] = pd.to_datetime(series["period_end"])
    title = tr("council.trend", name=names[chosen], unit=tr(f"unit.{unit}"))
    y_title = f"{tr('council.value')} ({tr(f'unit.{unit}')})"
    base = alt.Chart(series).encode(x=alt.X("when:T", title=tr("council.period_axis")))
    layers = [base.mark_line(point=True).encode(y=alt.Y("value:Q", title=y_title), tooltip=["period:N", "value:Q"])]
    if series["ci_low"].notna().any():
        layers.insert(0, base.mark_area(opacity=0.2).encode(y="ci_low:Q", y2="ci_high:Q"))
    for column, label, dash in (
        ("baseline_value", "council.baseline", [4, 4]),
        ("target_value", "council.target", [1, 3]),
    ):
        reference = series[column].dropna()
        if not reference.empty:
            rule = pd.DataFrame({"y": [float(reference.iloc[-1])], "what": [tr(label)]})
            layers.append(
                alt.Chart(rule).mark_rule(strokeDash=dash, color="gray").encode(y="y:Q", tooltip=["what:N", "y:Q"])
            )
    st.altair_chart(alt.layer(*layers).properties(title=title), width="stretch")
    columns = [
        Col("period", "council.period_axis"),
        Col("value", "council.value", "number1"),
        Col("ci_low", "council.ci_low", "number1"),
        Col("ci_high", "council.ci_high", "number1"),
        Col("denominator", "common.denominator", "int"),
    ]
    measure = series["warehouse_measure"].dropna().iloc[0] if series["warehouse_measure"].notna().any() else None
    if measure in outcomes.codes():  # an outcome rate: who it covers, from the same region-wide cells
        cover = fetch("outcomes.trend", agency="ALL")
        cover = cover.loc[cover["outcome"] == measure, ["period", "coverage_suppressed", "eligible", "coverage"]]
        series = series.merge(cover, on="period", how="left")
        columns += coverage_cols()
    show_table(series.assign(when=series["period"]), columns, key=f"indicator_trend_{chosen}_{geography}")

# --- client voice, needs met and francophones (issue 20) ----------------------------------------
VOICE = [
    outcomes.get("needs_met").code,
    outcomes.get("needs_all_met").code,
    outcomes.get("satisfied_with_services").code,
    outcomes.get("would_recommend").code,
    outcomes.get("has_people_to_turn_to").code,
]
FRENCH = [o for o in outcomes.codes() if o.startswith(outcomes.get("served_in_french").code)]
region = fetch("outcomes.breakdown", agency="ALL", period="all", breakdown="all")
rate_columns = [
    Col("outcome_name", "common.outcome"),
    Col("numerator", "common.numerator", "int"),
    Col("denominator", "common.denominator", "int"),
    Col("rate", "common.rate", "percent"),
    Col(("ci_low", "ci_high"), "common.interval", "interval"),
]
st.header(tr("council.voice"))
st.write(tr("council.voice_intro"))
voice = region.loc[region["outcome"].isin(VOICE)].copy()
voice["outcome_name"] = voice["outcome"].map(lambda o: tr(f"outcome.{o}"))
show_table(voice, rate_columns, key="council_voice")

st.header(tr("council.francophones"))
st.write(tr("council.francophones_intro"))
french = region.loc[region["outcome"].isin(FRENCH)]
by_language = fetch("outcomes.breakdown", agency="ALL", period="all", breakdown="official_language")
francophone = by_language.loc[(by_language["breakdown_value"] == "french") & by_language["outcome"].isin(VOICE)]
francophone = pd.concat([french, francophone], ignore_index=True)
francophone["outcome_name"] = francophone["outcome"].map(lambda o: tr(f"outcome.{o}"))
show_table(francophone, rate_columns, key="council_francophones")

# --- client feedback (issue 20): what clients say in the partnership's and agencies' surveys ---
survey_results("council")
