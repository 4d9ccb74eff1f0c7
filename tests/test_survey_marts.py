"""Issue 20, client feedback in the marts: fct_survey_results equals an independent recomputation
from the raw survey files (plain pandas, written from docs/measures.md, "Client feedback"), cell
for cell, recovers the generator's planted rates within its intervals, and marks its suppressed
cells (never a zero)."""

from __future__ import annotations

import itertools
import math

import duckdb
import pandas as pd
import pytest

from accueil.contract import code_lists

ITEMS = {
    "welcomed": "likert",
    "understood": "likert",
    "own_language": "likert",
    "helped": "likert",
    "more_confident": "likert",
    "got_help_needed": "yes_no",
    "would_recommend": "yes_no",
    "knows_where_next": "yes_no",
}
THRESHOLD, WHOLE = 10, 20  # warehouse/dbt_project.yml: suppression_threshold, whole_group_threshold
AXES = (("period", "all"), ("agency_code", "ALL"), ("stream_code", "all"))


def _read(path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    # A workbook: a title row, the machine names, the labels, then the data.
    return pd.read_excel(path, header=1, dtype=str, engine="calamine").iloc[1:].fillna("")


def reference_cells(region, files: list[str]) -> pd.DataFrame:
    """Every cell of the survey results, recomputed from the files: (survey, item, period, agency,
    stream) with 'all'/'ALL' for a total, the responses and those agreeing or saying yes."""
    streams = {v.label_en: v.code for v in code_lists()["service_stream"].values}
    raw = pd.concat([_read(region / name) for name in files], ignore_index=True)
    base = pd.DataFrame(
        {
            "survey_id": raw["survey_id"],
            "period": raw["period"],
            "agency_code": raw["agency_cd"],
            "stream_code": raw["stream_id"].map(streams),
        }
    )
    assert base["stream_code"].notna().all()
    frames = []
    for item, kind in ITEMS.items():
        answers = raw[item].str.strip()
        agrees = answers.isin(["4", "5"]) if kind == "likert" else answers.eq("Yes")
        cells = base.assign(item=item, item_kind=kind, agrees=agrees.astype(int))
        for kept in itertools.product((True, False), repeat=3):
            grouped = cells.copy()
            for (axis, total), keep in zip(AXES, kept, strict=True):
                if not keep:
                    grouped[axis] = total
            frames.append(
                grouped.groupby(["survey_id", "item", "item_kind", "period", "agency_code", "stream_code"])
                .agg(denominator=("agrees", "size"), numerator=("agrees", "sum"))
                .reset_index()
            )
    return pd.concat(frames, ignore_index=True)


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    p = k / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


def must_suppress(numerator: int, denominator: int) -> bool:
    """The primary rule of docs/measures.md (Disclosure control), for a proportion."""
    return (
        denominator < THRESHOLD
        or 1 <= numerator < THRESHOLD
        or 1 <= denominator - numerator < THRESHOLD
        or (numerator in (0, denominator) and denominator < WHOLE)
    )


@pytest.fixture(scope="module")
def survey(sample_warehouse):
    home, region, truth = sample_warehouse
    with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as con:
        published = con.execute("select * from marts.fct_survey_results").df()
    return published, reference_cells(region, truth["surveys"]["files"]), truth["surveys"]


KEY = ["survey_id", "item", "period", "agency_code", "stream_code"]


def test_every_cell_is_published_or_marked_and_equals_the_recomputation(survey):
    published, reference, _ = survey
    merged = reference.merge(published, on=KEY, how="outer", suffixes=("_ref", ""), indicator=True)
    assert (merged["_merge"] == "both").all(), merged.loc[merged["_merge"] != "both", KEY].head()
    assert len(published) == len(reference)
    shown = merged[~merged["suppressed"]]
    assert len(shown) > 0
    assert (shown["numerator"].astype(int) == shown["numerator_ref"]).all()
    assert (shown["denominator"].astype(int) == shown["denominator_ref"]).all()
    assert (shown["item_kind"] == shown["item_kind_ref"]).all()
    for row in shown.itertuples():
        low, high = wilson(row.numerator_ref, row.denominator_ref)
        assert row.rate == pytest.approx(row.numerator_ref / row.denominator_ref, abs=1e-12)
        assert (row.ci_low, row.ci_high) == (pytest.approx(low, abs=1e-12), pytest.approx(high, abs=1e-12))


def test_suppressed_cells_are_marked_with_no_figures_and_small_cells_never_shown(survey):
    published, reference, _ = survey
    merged = reference.merge(published, on=KEY, suffixes=("_ref", ""))
    hidden = merged[merged["suppressed"]]
    # The sample has small cells (a stream at one agency in one quarter): some are withheld ...
    assert len(hidden) > 0
    # ... marked, with every figure null, never a zero.
    assert hidden[["numerator", "denominator", "rate", "ci_low", "ci_high"]].isna().all().all()
    small = merged[
        [must_suppress(n, d) for n, d in zip(merged["numerator_ref"], merged["denominator_ref"], strict=True)]
    ]
    assert len(small) > 0 and small["suppressed"].all()
    # A group of parts and their total never has exactly one withheld member (it would come back by subtraction).
    for axis, _ in AXES:
        others = [k for k in KEY if k != axis]
        lone = merged.groupby(others)["suppressed"].agg(["size", "sum"])
        assert not ((lone["size"] > 1) & (lone["sum"] == 1)).any(), axis


def test_the_planted_rates_are_within_the_regions_intervals(survey):
    published, _, planted = survey
    region = published[
        (published["period"] == "all") & (published["agency_code"] == "ALL") & (published["stream_code"] == "all")
    ]
    assert set(region["item"]) == set(ITEMS) and not region["suppressed"].any()
    assert region["denominator"].iloc[0] == planted["responses"]
    for row in region.itertuples():
        assert row.ci_low <= planted["planted"][row.item] <= row.ci_high, (
            row.item,
            row.rate,
            planted["planted"][row.item],
        )
