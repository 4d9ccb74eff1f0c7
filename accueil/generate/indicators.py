"""The sample region's outside indicator observations: ILLUSTRATIVE values, invented for the demo.

Nothing here is a real statistic.  The shapes are realistic (census years, annual
surveys with margins of error, a community survey with its number of respondents, a
police-reported rate with its population, quarterly arrivals rounded to 5 as in IRCC's
open data) so that every path of the progress mart has something to show.  Arrivals are
derived from the generated population: newcomers first served in the quarter, divided by
an assumed share of newcomers who use settlement services.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from accueil.generate.vectors import EPOCH
from accueil.quarters import Quarter

FILE_NAME = "indicator_observations_ILLUSTRATIVE.csv"
TITLE = (
    "ILLUSTRATIVE DATA, invented for Accueil's sample region: not real statistics. "
    "/ DONNÉES FICTIVES, inventées pour la région d'exemple d'Accueil : il ne s'agit pas de statistiques réelles."
)
NOTE = "Illustrative value for the sample region, not a real statistic"
# An assumed share of newcomers who use a settlement service within the period they arrive in.
SETTLEMENT_TAKE_UP = 0.45

CENSUS = ("2016", "2021")
SURVEY = ("2022", "2023", "2024", "2025")
# code -> (periods, first value, change per period, kind of uncertainty, its size)
#   moe: a margin of error of that size; n: a denominator (respondents or population); none.
SERIES: dict[str, tuple[tuple[str, ...], float, float, str, float]] = {
    "imm_employment_rate_gap": (CENSUS, 9.5, -2.0, "none", 0),
    "recent_imm_unemployment_rate": (SURVEY, 11.0, -0.8, "moe", 2.5),
    "imm_retention_5yr": (CENSUS, 78.0, 2.5, "none", 0),
    "belonging_recent_immigrants": (SURVEY, 49.0, 0.6, "moe", 4.0),
    "core_housing_need_recent_imm": (CENSUS, 21.0, 2.2, "none", 0),
    "shelter_cost_burden_imm": (CENSUS, 44.0, -0.4, "none", 0),
    "reported_discrimination": (SURVEY, 18.0, -1.6, "moe", 2.0),
    "public_support_immigration": (SURVEY, 61.0, 1.5, "n", 400),
    "lip_partner_organisations": (SURVEY, 38.0, 3.0, "none", 0),
    "municipal_staff_immigrants": (SURVEY, 9.0, 0.5, "none", 0),
    "municipal_info_multilingual": (SURVEY, 22.0, 6.0, "none", 0),
    "imm_overqualification": (CENSUS, 31.0, -1.5, "none", 0),
    "no_regular_provider_recent_imm": (SURVEY, 19.0, 1.8, "moe", 3.0),
    "population_near_transit": (SURVEY, 58.0, 0.5, "none", 0),
    "religious_traditions_with_place_of_worship": (SURVEY, 14.0, 0.3, "none", 0),
    "imm_volunteering_rate": (SURVEY, 33.0, 0.4, "moe", 3.5),
    "citizenship_rate": (CENSUS, 84.0, -3.0, "none", 0),
    "naturalised_voter_turnout": (("2019", "2021", "2025"), 68.0, -1.0, "moe", 3.0),
    "confidence_in_police_imm": (SURVEY, 82.0, -0.5, "moe", 3.0),
    "hate_crimes_per_100k": (SURVEY, 5.2, 0.9, "n", 480_000),
    "feel_safe_walking_alone_imm": (SURVEY, 71.0, 0.8, "moe", 3.5),
    "newcomer_recreation_use": (SURVEY, 52.0, 2.0, "n", 250),
    "favourable_media_coverage": (SURVEY, 41.0, 3.0, "n", 180),
}
UNITS = {"imm_employment_rate_gap": "points", "hate_crimes_per_100k": "rate_per_100k"}
COUNTS = {"lip_partner_organisations", "religious_traditions_with_place_of_worship"}
# A few comparison values for Ontario and Canada (domain brief, section 5).
COMPARISONS = [
    ("imm_retention_5yr", "ON", "2021", 93.0),
    ("belonging_recent_immigrants", "CA", "2022", 50.0),
    ("belonging_recent_immigrants", "CA", "2024", 50.0),
]


def arrivals(first_days: np.ndarray, quarters: list[Quarter], rng: np.random.Generator) -> dict[str, int]:
    """Newcomers arriving per quarter: clients first served in it over the take-up, rounded to 5."""
    first = pd.to_datetime(EPOCH) + pd.to_timedelta(first_days, unit="D")
    served = pd.Series(1, index=pd.PeriodIndex(first, freq="Q").astype(str)).groupby(level=0).sum()
    out = {}
    for quarter in quarters:
        expected = served.get(str(quarter), 0) / SETTLEMENT_TAKE_UP * (1 + rng.normal(0, 0.04))
        out[str(quarter)] = int(5 * round(expected / 5))
    return out


def observation_rows(first_days: np.ndarray, quarters: list[Quarter], seed: int) -> list[dict]:
    # Its own generator, so that adding this file changes none of the extracts' bytes.
    rng = np.random.default_rng([seed, 6])
    rows = []
    for quarter, count in arrivals(first_days, quarters, rng).items():
        rows.append(_row("newcomer_arrivals", "REGION", quarter, count, "count"))
    for code, (periods, start, step, kind, size) in SERIES.items():
        unit = UNITS.get(code, "count" if code in COUNTS else "percent")
        for i, period in enumerate(periods):
            value = start + step * i + rng.normal(0, abs(step) / 4 if step else 0.2)
            value = round(value) if unit == "count" else round(min(max(value, 0.0), 100.0), 1)
            rows.append(
                _row(
                    code,
                    "REGION",
                    period,
                    value,
                    unit,
                    denominator=int(size) if kind == "n" else None,
                    margin=size if kind == "moe" else None,
                )
            )
    for code, geography, period, value in COMPARISONS:
        rows.append(_row(code, geography, period, value, "percent"))
    return rows


def _row(code, geography, period, value, unit, denominator=None, margin=None) -> dict:
    return {
        "indicator_code": code,
        "geography_code": geography,
        "period": period,
        "value": value,
        "unit": unit,
        "denominator": "" if denominator is None else denominator,
        "margin_of_error": "" if margin is None else margin,
        "source_note": NOTE,
    }


def write_observations(out: Path, first_days: np.ndarray, quarters: list[Quarter], seed: int) -> Path:
    rows = observation_rows(first_days, quarters, seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([TITLE])
    writer.writerow(list(rows[0]))
    for row in rows:
        writer.writerow(row.values())
    path = out / FILE_NAME
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path
