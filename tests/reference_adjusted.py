"""An independent recomputation of the non-response-adjusted employment rate, in plain pandas, from
docs/measures.md ("Employment at follow-up, adjusted for non-response"), never from the dbt models.

The clients `employment_at_followup` could speak for are placed in weighting cells (the full cross
of five characteristics, small groups merged by dropping the last characteristic); each respondent
weighs eligible / respondents of its cell; the rate is the weighted share employed, and its 95%
interval is Wilson's at Kish's effective sample size.
"""

from __future__ import annotations

import math

import pandas as pd

CHARACTERISTICS = ["gender", "immigration_category", "official_language", "age_band", "community_size"]
MINIMUM_ELIGIBLE = 20  # dbt var weighting_cell_minimum_eligible
MINIMUM_RESPONDENTS = 10  # dbt var weighting_cell_minimum_respondents
Z = 1.96


def weighting_cells(respondents: pd.DataFrame, not_covered: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """(level, cell, eligible, respondents, employed) for every client the measure could speak for.

    `respondents` has client_key and hit (employed); `not_covered` has client_key."""
    units = pd.concat(
        [
            pd.DataFrame({"client_key": respondents["client_key"], "respondent": True, "employed": respondents["hit"]}),
            pd.DataFrame({"client_key": not_covered["client_key"], "respondent": False, "employed": False}),
        ],
        ignore_index=True,
    )
    attrs = people.reindex(units["client_key"])[CHARACTERISTICS].fillna("unknown").to_numpy()
    units[CHARACTERISTICS] = attrs
    cells, left = [], units
    for level in range(len(CHARACTERISTICS), 0, -1):
        key = CHARACTERISTICS[:level]
        grouped = left.groupby(key, sort=False)
        eligible = grouped["client_key"].transform("size")
        answered = grouped["respondent"].transform("sum")
        big = (eligible >= MINIMUM_ELIGIBLE) & (answered >= MINIMUM_RESPONDENTS)
        cells.append(left[big].assign(level=level, cell=left.loc[big, key].agg("|".join, axis=1)))
        left = left[~big]
    cells.append(left.assign(level=0, cell="all"))
    placed = pd.concat(cells, ignore_index=True)
    placed["employed"] = placed["employed"] & placed["respondent"]
    return (
        placed.groupby(["level", "cell"])
        .agg(eligible=("client_key", "size"), respondents=("respondent", "sum"), employed=("employed", "sum"))
        .reset_index()
    )


def adjusted_rate(cells: pd.DataFrame) -> dict:
    """The weighted rate, Kish's effective n and Wilson's 95% interval at that n."""
    answered = cells[cells["respondents"] > 0]
    weights = answered["eligible"] / answered["respondents"]
    rate = float((weights * answered["employed"]).sum() / answered["eligible"].sum())
    n_eff = float(answered["eligible"].sum() ** 2 / (answered["eligible"] * weights).sum())
    centre = (rate + Z * Z / (2 * n_eff)) / (1 + Z * Z / n_eff)
    half = Z * math.sqrt(rate * (1 - rate) / n_eff + Z * Z / (4 * n_eff * n_eff)) / (1 + Z * Z / n_eff)
    return {
        "rate": rate,
        "ci_low": max(0.0, centre - half),
        "ci_high": min(1.0, centre + half),
        "effective_n": n_eff,
        "denominator": int(cells["respondents"].sum()),
        "eligible": int(cells["eligible"].sum()),
    }
