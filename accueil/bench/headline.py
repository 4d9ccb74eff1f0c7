"""The headline figures the baseline and the pipeline must agree on, for a fair comparison.

The pipeline's published marts suppress small cells; every cell it publishes must equal
the baseline's, and the baseline must not hold cells the pipeline lacks altogether.
"""

from __future__ import annotations

import pandas as pd

from accueil.access.snapshot import connect
from accueil.outcomes import headline as headline_outcomes

OUTPUT_COLUMNS = [
    "clients_served",
    "services",
    "needs_assessment_services",
    "information_orientation_services",
    "employment_services",
    "community_connections_services",
    "language_training_services",
    "language_assessment_services",
]
# The headline outcomes of the catalogue (seeds/outcome_catalogue.csv), which baseline.sql computes too
# (tests/test_outcome_catalogue.py checks that it does).
OUTCOMES = headline_outcomes()


def pipeline_figures() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Outputs per agency (and region) x quarter, and the main rates per agency x quarter and overall."""
    outcomes = ", ".join(f"'{o}'" for o in OUTCOMES)
    with connect() as con:
        outputs = con.execute(
            f"select agency_code, period, suppressed, {', '.join(OUTPUT_COLUMNS)} from marts.fct_outputs"
            " where program_code = 'ALL'"
        ).df()
        rates = con.execute(
            "select outcome, agency_code, period, suppressed, numerator, denominator from marts.fct_outcome_rates"
            f" where breakdown = 'all' and outcome in ({outcomes})"
            " and ((agency_code <> 'ALL' and period <> 'all') or (agency_code = 'ALL' and period = 'all'))"
        ).df()
    return outputs, rates


def _compare(pipeline: pd.DataFrame, baseline: pd.DataFrame, keys: list[str], values: list[str]) -> dict:
    merged = pipeline.merge(baseline, on=keys, how="outer", suffixes=("_pipeline", "_baseline"), indicator=True)
    only_baseline = merged[merged["_merge"] == "right_only"]
    published = merged[(merged["_merge"] != "right_only") & ~merged["suppressed"].astype(bool)]
    mismatches = []
    for _, row in published.iterrows():
        for value in values:
            a, b = row[f"{value}_pipeline"], row[f"{value}_baseline"]
            if pd.isna(b) or int(a) != int(b):
                mismatches.append({**{k: row[k] for k in keys}, "figure": value, "pipeline": a, "baseline": b})
    return {
        "cells_compared": len(published),
        "cells_suppressed": int(merged["suppressed"].fillna(False).astype(bool).sum()),
        "baseline_only_cells": len(only_baseline),
        "mismatches": [{k: (v.item() if hasattr(v, "item") else v) for k, v in m.items()} for m in mismatches[:10]],
        "mismatch_count": len(mismatches),
    }


def compare(baseline_outputs: pd.DataFrame, baseline_outcomes: pd.DataFrame) -> dict:
    outputs, rates = pipeline_figures()
    result = {
        "outputs": _compare(outputs, baseline_outputs, ["agency_code", "period"], OUTPUT_COLUMNS),
        "outcomes": _compare(
            rates, baseline_outcomes, ["outcome", "agency_code", "period"], ["numerator", "denominator"]
        ),
    }
    overall = rates[(rates["agency_code"] == "ALL") & (rates["period"] == "all")]
    result["headline_rates"] = {
        row.outcome: {"numerator": int(row.numerator), "denominator": int(row.denominator)}
        for row in overall.itertuples()
        if not row.suppressed
    }
    result["agree"] = all(
        part["mismatch_count"] == 0 and part["baseline_only_cells"] == 0 and part["cells_compared"] > 0
        for part in (result["outputs"], result["outcomes"])
    )
    return result


def verdict(agreement: dict) -> tuple[str, str | None]:
    """In words: whether the headline figures agree, and if not, why the benchmark fails.  A region so
    small that every published cell of a kind is suppressed has nothing to compare: it does not agree,
    but nor does it differ."""
    parts = ("outputs", "outcomes")
    if agreement["agree"]:
        return "agree", None
    if any(agreement[p]["mismatch_count"] or agreement[p]["baseline_only_cells"] for p in parts):
        return "DISAGREE", "the baseline's headline figures differ from the pipeline's"
    empty = " or ".join(p.removesuffix("s") for p in parts if not agreement[p]["cells_compared"])
    return "not compared", (
        f"the baseline's headline figures could not be compared with the pipeline's: no published {empty} cell "
        "at this size (every one is suppressed); run with more clients"
    )
