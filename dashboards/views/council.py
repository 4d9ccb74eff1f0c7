"""Council: welcoming-community indicators against baseline and target, by characteristic."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
from charts import period_axis
from shared import (
    STATUS,
    Col,
    coverage_cols,
    fetch,
    has_table,
    lang,
    md,
    period_label,
    select,
    show_table,
    tr,
)
from survey_section import survey_results

from accueil import i18n, outcomes
from accueil.indicators.display import (
    DEFAULT_DECIMALS,
    STATUS_ORDER,
    indicator_display_decimals,
    status_counts,
)

SCORECARD_TEXT = (
    "indicator_text",
    "period_text",
    "value_text",
    "baseline_text",
    "change_text",
    "target_text",
    "progress_text",
)

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

# Status at a glance: how many indicators improved, worsened or did not clearly move, in the
# geography chosen (the command line's `accueil demo` counts each geography the same way).
counts = status_counts(latest["status"])
for column, status in zip(st.columns(4), STATUS_ORDER, strict=True):
    column.metric(tr(f"status.{status}"), i18n.number(counts.get(status, 0), lg))


def _scale(unit: str) -> float:
    return 100.0 if unit == "percent" else 1.0


def _value(row: pd.Series, column: str) -> float | None:
    value = row[column]
    return None if pd.isna(value) else float(value) / _scale(row["unit"])


def _formatted(value: float | None, unit: str, decimals: int, missing: str = i18n.MISSING) -> str:
    if value is None:
        return missing
    if unit == "percent":
        return i18n.percent(value, lg, decimals)
    return i18n.number(value, lg, decimals)


def _decimals(row: pd.Series) -> int:
    """Enough decimals that the change which decided the status shows: 0.859 against 0.894 is
    -0.035, not -0.0 (indicator_display_decimals)."""
    return indicator_display_decimals(
        None if pd.isna(row["value"]) else float(row["value"]),
        None if pd.isna(row["baseline_value"]) else float(row["baseline_value"]),
        DEFAULT_DECIMALS.get(row["unit"], 1),
        None if pd.isna(row["change_threshold"]) else float(row["change_threshold"]),
    )


def _change(row: pd.Series, decimals: int) -> str:
    if pd.isna(row["change_since_baseline"]):
        return i18n.NOT_SET if pd.isna(row["baseline_value"]) else i18n.MISSING
    change = float(row["change_since_baseline"])
    sign = "+" if round(change, decimals) > 0 else ""
    if row["unit"] == "percent":  # a change between two percentages is in points, not a percentage
        return f"{sign}{i18n.number(change, lg, decimals)} {tr('unit.points')}"
    return f"{sign}{i18n.number(change, lg, decimals)}"


rows = []
for _, r in latest.iterrows():
    decimals = _decimals(r)
    unit = r["unit"]
    baseline = _formatted(_value(r, "baseline_value"), unit, decimals, i18n.NOT_SET)
    if not pd.isna(r["baseline_period"]) and baseline != i18n.NOT_SET:
        baseline = f"{baseline} ({period_label(r['baseline_period'])})"
    note = tr(
        "council.indicator_note",
        unit=tr(f"unit.{unit}"),
        direction=tr("council.higher" if r["direction"] == "higher_is_better" else "council.lower"),
    )
    rows.append(
        {
            "indicator_text": f"{r['indicator']} ({note})",
            "period_text": period_label(r["period"]),
            "value_text": i18n.SUPPRESSED if bool(r["suppressed"]) else _formatted(_value(r, "value"), unit, decimals),
            "baseline_text": baseline,
            "change_text": _change(r, decimals),
            "target_text": _formatted(_value(r, "target_value"), unit, decimals, i18n.NOT_SET),
            "progress_text": i18n.NOT_SET
            if pd.isna(r["target_value"])
            else i18n.percent(None if pd.isna(r["progress_to_target_pct"]) else r["progress_to_target_pct"] / 100, lg),
        }
    )
latest = latest.reset_index(drop=True).join(pd.DataFrame(rows, columns=SCORECARD_TEXT))

for name, group in latest.groupby("characteristic", sort=False):
    st.subheader(md(name))  # from the catalogue, which a partnership may edit: shown as text
    texts = set(group[list(SCORECARD_TEXT)].to_numpy().ravel())
    if group["denominator"].isna().any():
        texts.add(i18n.MISSING)
    show_table(
        group,
        [
            Col("indicator_text", "council.indicator"),
            Col("period_text", "council.latest"),
            Col("value_text", "council.value"),
            Col("denominator", "common.denominator", "int"),
            Col("baseline_text", "council.baseline"),
            Col("change_text", "council.change"),
            Col("target_text", "council.target"),
            Col("progress_text", "council.progress"),
            Col("status", "council.status", STATUS, hidden=None),
        ],
        key=f"indicators_{geography}_{group['characteristic_number'].iloc[0]}",
        as_html=True,
        marks=texts & {i18n.SUPPRESSED, i18n.MISSING, i18n.NOT_SET},
    )

st.header(tr("council.trend_pick"))
codes = list(dict.fromkeys(shown["indicator_code"]))
names = dict(zip(shown["indicator_code"], shown["indicator"], strict=False))
if codes:
    chosen = select(st, tr("council.trend_pick"), codes, format_func=names.get, key="c_indicator")
    series = shown.loc[(shown["indicator_code"] == chosen) & ~shown["suppressed"].astype(bool)].copy()
    unit = series["unit"].iloc[0] if not series.empty else "count"
    series["when"] = [period_label(p) for p in series["period"]]
    series["value_label"] = [i18n.number(v, lg, DEFAULT_DECIMALS.get(unit, 1)) for v in series["value"]]
    title = tr("council.trend", name=names[chosen], unit=tr(f"unit.{unit}"))
    y_title = f"{tr('council.value')} ({tr(f'unit.{unit}')})"
    # Periods on an ordered axis of their own labels (2025 T1 in French), never a date axis that
    # would tick weeks in English between quarters.
    x = period_axis(list(series["when"]), tr("council.period_axis"))
    base = alt.Chart(series).encode(x=x)
    y = alt.Y("value:Q", title=y_title)
    tooltip = [alt.Tooltip("when:N", title=tr("council.period_axis")), alt.Tooltip("value_label:N", title=y_title)]
    layers = [
        base.mark_line(point=True).encode(y=y, tooltip=tooltip),
        base.mark_text(dy=-10, fontSize=11).encode(y=y, text="value_label:N"),
    ]
    if series["ci_low"].notna().any():
        layers.insert(0, base.mark_area(opacity=0.2).encode(y="ci_low:Q", y2="ci_high:Q", tooltip=tooltip))
    for column, label, dash in (
        ("baseline_value", "council.baseline", [4, 4]),
        ("target_value", "council.target", [1, 3]),
    ):
        reference = series[column].dropna()
        if not reference.empty:
            level = float(reference.iloc[-1])
            rule = pd.DataFrame({"y": [level], "what": [f"{tr(label)}: {i18n.number(level, lg, 1)}"]})
            reference_chart = alt.Chart(rule).encode(y="y:Q")
            layers.append(reference_chart.mark_rule(strokeDash=dash, color="gray").encode(tooltip=["what:N"]))
            layers.append(
                reference_chart.mark_text(align="left", x=4, dy=-6, color="gray", fontSize=11).encode(text="what:N")
            )
    st.markdown(f"**{md(title)}**")  # above the chart, whole: Vega cuts a long title off
    st.altair_chart(alt.layer(*layers), width="stretch")
    columns = [
        Col("when", "council.period_axis"),
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
    show_table(series, columns, key=f"indicator_trend_{chosen}_{geography}")

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
