"""Charts every page shares: quarters on an axis in the page's language, bars and intervals with
each value written beside its mark (Vega draws on a canvas, so a value not written is not read)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
from shared import lang, md, period_label, tr

from accueil import i18n


def period_axis(labels: list[str], title: str, field: str = "when") -> alt.X:
    """An x axis of periods as the page names them (2025 Q1 / 2025 T1), in the order given, every
    label shown level: one quarter format everywhere, and no date axis ticking weeks in English."""
    return alt.X(f"{field}:O", sort=list(dict.fromkeys(labels)), title=title, axis=alt.Axis(labelAngle=0))


def period_bar_chart(frame: pd.DataFrame, value: str, value_title: str, title: str | None = None) -> None:
    """One bar per period, in the order given, each with its value written on it in the page's
    language, on an axis of the page's quarters (period_axis); frame has `period` and `value`."""
    lg = lang()
    data = frame[["period", value]].copy()
    data["when"] = [period_label(p) for p in data["period"]]
    data["value_label"] = [i18n.number(v, lg) for v in data[value]]
    base = alt.Chart(data).encode(
        x=period_axis(list(data["when"]), tr("common.period")),
        y=alt.Y(f"{value}:Q", title=value_title),
    )
    bars = base.mark_bar().encode(
        tooltip=[
            alt.Tooltip("when:N", title=tr("common.period")),
            alt.Tooltip("value_label:N", title=value_title),
        ]
    )
    labels = base.mark_text(dy=-6, fontSize=11, baseline="bottom").encode(text="value_label:N")
    if title:
        st.markdown(f"**{md(title)}**")
    st.altair_chart(alt.layer(bars, labels), width="stretch")


def interval_chart(
    frame: pd.DataFrame,
    category: str,
    category_title: str,
    title: str,
    kind: str = "percent",
    reference: float | None = None,
    reference_label: str | None = None,
    color: str | None = None,
    color_title: str | None = None,
) -> None:
    """Point estimates with their 95% intervals, one row per category, in the order given (never ranked).

    Every mark is labelled where it is drawn: each row's name on the axis (never thinned out), its
    value in the page's language beside its interval, the reference line's value on the line, and a
    legend for the colour when one is given (color: a column, color_title: its name)."""
    lg = lang()
    data = frame.loc[~frame["suppressed"].fillna(False).astype(bool) & frame["rate"].notna()].copy()
    if data.empty:
        return
    scale = 100.0 if kind == "percent" else 1.0
    unit = "%" if kind == "percent" else tr("unit.days")
    data["value_label"] = [
        i18n.percent(v, lg) if kind == "percent" else i18n.number(v, lg) for v in data["rate"].astype(float)
    ]
    data["interval_label"] = [
        i18n.interval(lo, hi, lg, "percent" if kind == "percent" else "number")
        for lo, hi in zip(data["ci_low"], data["ci_high"], strict=True)
    ]
    data["n_label"] = [i18n.number(n, lg) for n in data["denominator"]]
    for column in ("rate", "ci_low", "ci_high"):
        data[column] = data[column].astype(float) * scale
    labels = [str(v) for v in data[category]]
    # Two categories that read the same would share one row of the chart, marks over each other.
    repeated = {v for v in labels if labels.count(v) > 1}
    data["label"] = [f"{v} ({i + 1})" if v in repeated else v for i, v in enumerate(labels)]
    order = list(data["label"])
    axis_title = f"{tr('common.rate')} ({unit})" if kind == "percent" else f"{tr('common.median_days')}"
    y = alt.Y("label:N", sort=order, title=category_title, axis=alt.Axis(labelLimit=400, labelOverlap=False))
    tooltip = [
        alt.Tooltip("label:N", title=category_title),
        alt.Tooltip("value_label:N", title=axis_title),
        alt.Tooltip("interval_label:N", title=tr("common.interval")),
        alt.Tooltip("n_label:N", title=tr("common.denominator")),
    ]
    base = alt.Chart(data)
    point_encoding = {"y": y, "x": "rate:Q", "tooltip": tooltip}
    if color:
        point_encoding["color"] = alt.Color(
            f"{color}:N", title=color_title or color, legend=alt.Legend(orient="bottom", labelLimit=400)
        )
    bars = base.mark_rule(strokeWidth=2).encode(
        y=y, x=alt.X("ci_low:Q", title=axis_title), x2="ci_high:Q", tooltip=tooltip
    )
    points = base.mark_point(filled=True, size=60).encode(**point_encoding)
    values = base.mark_text(align="left", dx=6, fontSize=11).encode(y=y, x="ci_high:Q", text="value_label:N")
    layers = [bars, points, values]
    if reference is not None and reference == reference:
        rule = pd.DataFrame({"x": [reference * scale], "label": [reference_label or ""]})
        line = alt.Chart(rule).encode(x="x:Q")
        layers.append(line.mark_rule(strokeDash=[4, 4], color="gray").encode(tooltip=["label:N"]))
        layers.append(
            line.mark_text(align="left", dx=4, baseline="top", y=2, color="gray", fontSize=11).encode(text="label:N")
        )
    # A step per row, not a height for the whole chart: the axis, title and legend then never eat
    # into the rows (a fixed height squeezed four groups onto one row).
    chart = alt.layer(*layers).properties(height=alt.Step(30))
    # The title is the page's own text above the chart: Vega cuts a title wider than the chart off.
    st.markdown(f"**{md(title)}**")
    st.altair_chart(chart, width="stretch")
