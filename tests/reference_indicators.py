"""An independent recomputation of the indicators the warehouse computes, in plain pandas.

Written from the catalogue's definitions (docs/indicators.md), not from the dbt models.
The client-level records come from tests/reference_measures (itself written from
docs/measures.md and read from the extract files with python-calamine); the arrivals come
straight from the sample region's observations file.  One value per indicator and quarter,
for the partnership's region, with the same disclosure rule.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pandas as pd

from tests.raw_extracts import read_region, read_workbook
from tests.reference_access import access_cells
from tests.reference_measures import (
    belonging_records,
    clients,
    employment_records,
    french_records,
    language_records,
    needs_records,
    quarter_of,
    referral_records,
    services,
    voice_records,
)

Z = 1.96
OUTCOME_INDICATORS = {
    "employment_at_followup": "client_employment_followup",
    "employment_matching_training": "client_job_matches_training",
    "sense_of_belonging": "client_belonging",
    "language_gain_any": "client_language_gain",
    "referral_completion_90d": "referral_completion",
    "needs_met": "client_needs_met",
    "satisfied_with_services": "client_satisfaction",
    "has_people_to_turn_to": "client_people_to_turn_to",
    "served_in_french": "francophones_served_in_french",
}
RATE_INDICATORS = {
    **OUTCOME_INDICATORS,
    "community_participation": "client_community_participation",
    "days_arrival_to_first_service": "client_days_to_first_service",
}


def _wilson(x: float, n: float) -> tuple[float, float]:
    p = x / n
    denom = 1 + Z * Z / n
    centre = (p + Z * Z / (2 * n)) / denom
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / denom
    return centre - half, centre + half


def _suppressed(numerator: pd.Series, denominator: pd.Series, threshold: int) -> pd.Series:
    return (denominator < threshold) | ((numerator > 0) & (numerator < threshold))


def _proportions(frame: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """frame: indicator_code, period, unit_id, hit -> percentages with Wilson intervals."""
    grouped = frame.groupby(["indicator_code", "period"]).agg(num=("hit", "sum"), den=("unit_id", "nunique"))
    grouped = grouped.reset_index()
    bounds = [_wilson(x, n) for x, n in zip(grouped["num"], grouped["den"], strict=True)]
    return pd.DataFrame(
        {
            "indicator_code": grouped["indicator_code"],
            "period": grouped["period"],
            "value": 100 * grouped["num"] / grouped["den"],
            "ci_low": [100 * b[0] for b in bounds],
            "ci_high": [100 * b[1] for b in bounds],
            "denominator": grouped["den"],
            "suppressed": _suppressed(grouped["num"], grouped["den"], threshold),
        }
    )


def arrivals(path: Path) -> dict[str, float]:
    """Quarterly newcomer arrivals for REGION from the observations file (title line skipped)."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header_at = next(i for i, row in enumerate(rows) if row and row[0] == "indicator_code")
    table = pd.DataFrame(rows[header_at + 1 :], columns=rows[header_at])
    mine = table[(table["indicator_code"] == "newcomer_arrivals") & (table["geography_code"] == "REGION")]
    return {p: float(v) for p, v in zip(mine["period"], mine["value"], strict=True) if "Q" in p}


def computed_indicators(
    region: Path,
    observations: Path,
    data_end: pd.Timestamp,
    threshold: int = 10,
    published_rates: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """published_rates: the reference recomputation of fct_outcome_rates (tests/reference_measures).

    The outcome-based indicators are cells of fct_outcome_rates, so they share its complementary
    suppression (a cell published here must not let a suppressed one be recovered there); with
    published_rates given, their suppression is that of the matching cell, and the primary rule
    computed here must agree with it wherever it applies.
    """
    sheets = read_region(str(region))
    people = clients(sheets, read_workbook(region / "agencies.xlsx")["Sites"])

    records = pd.concat(
        [
            language_records(sheets),
            employment_records(sheets),
            belonging_records(sheets),
            referral_records(sheets, data_end),
            needs_records(sheets, data_end),
            voice_records(sheets),
            french_records(sheets, people),
        ],
        ignore_index=True,
    )
    records = records[records["outcome"].isin(OUTCOME_INDICATORS)]
    unit = records["unit"] if "unit" in records else pd.Series(np.nan, index=records.index)
    outcome_frame = pd.DataFrame(
        {
            "indicator_code": records["outcome"].map(OUTCOME_INDICATORS),
            "period": quarter_of(records["date"]).to_numpy(),
            "unit_id": unit.fillna(records["client_key"]).to_numpy(),
            "hit": records["hit"].astype(bool).to_numpy(),
        }
    )

    events = services(sheets)
    events["period"] = quarter_of(events["date"])
    participation = events.assign(cc=events["sheet"] == "Community Connections")
    participation = participation.groupby(["period", "client_key"])["cc"].any().reset_index()
    participation_frame = pd.DataFrame(
        {
            "indicator_code": "client_community_participation",
            "period": participation["period"],
            "unit_id": participation["client_key"],
            "hit": participation["cc"],
        }
    )

    known = people[people["arrival"].notna() & people["community_size"].isin(["small_centre", "rural"])]
    timely_frame = pd.DataFrame(
        {
            "indicator_code": "small_rural_served_in_arrival_quarter",
            "period": quarter_of(known["first_date"]).to_numpy(),
            "unit_id": known.index.to_numpy(),
            "hit": (quarter_of(known["arrival"]) == quarter_of(known["first_date"])).to_numpy(),
        }
    )
    parts = [_proportions(pd.concat([outcome_frame, participation_frame, timely_frame]), threshold)]

    # Median days from arrival to first service, with the order-statistic interval of the median.
    first = pd.DataFrame(
        {"period": quarter_of(people["first_date"]), "days": (people["first_date"] - people["arrival"]).dt.days}
    )
    rows = []
    for period, part in first.groupby("period"):
        days = np.sort(part["days"].to_numpy())
        n = len(days)
        low = max(1, math.floor((n - Z * math.sqrt(n)) / 2))
        high = min(n, math.ceil(1 + (n + Z * math.sqrt(n)) / 2))
        rows.append(
            (
                "client_days_to_first_service",
                period,
                float(np.median(days)),
                float(days[low - 1]),
                float(days[high - 1]),
                n,
                n < threshold,
            )
        )
    parts.append(
        pd.DataFrame(
            rows, columns=["indicator_code", "period", "value", "ci_low", "ci_high", "denominator", "suppressed"]
        )
    )

    # Service reach: distinct clients served in the quarter over the newcomers arriving.
    served = events.groupby("period")["client_key"].nunique()
    reach = []
    for period, count in arrivals(observations).items():
        if period not in served.index:
            continue
        c = served[period]
        reach.append(
            (
                "service_reach",
                period,
                c / count,
                max(0.0, c - Z * math.sqrt(c)) / count,
                (c + Z * math.sqrt(c)) / count,
                round(count),
                count < threshold or 0 < c < threshold,
            )
        )
    parts.append(
        pd.DataFrame(
            reach, columns=["indicator_code", "period", "value", "ci_low", "ci_high", "denominator", "suppressed"]
        )
    )

    parts.append(near_language_training(region, threshold))

    out = pd.concat(parts, ignore_index=True)
    if published_rates is not None:
        cells = published_rates[
            (published_rates["agency_code"] == "ALL")
            & (published_rates["breakdown"] == "all")
            & (published_rates["period"] != "all")
        ]
        flags = pd.Series(
            cells["suppressed"].to_numpy(),
            index=pd.MultiIndex.from_arrays([cells["outcome"].map(RATE_INDICATORS), cells["period"]]),
        )
        flags = flags[flags.index.get_level_values(0).notna()]
        keys = pd.MultiIndex.from_arrays([out["indicator_code"], out["period"]])
        from_rates = keys.isin(flags.index)
        published = flags.reindex(keys[from_rates]).to_numpy(dtype=bool)
        primary = out.loc[from_rates, "suppressed"].to_numpy(dtype=bool)
        assert not (primary & ~published).any(), "a cell under the threshold is published in fct_outcome_rates"
        out.loc[from_rates, "suppressed"] = published
    for column in ("value", "ci_low", "ci_high", "denominator"):
        out[column] = out[column].astype(float)
        out.loc[out["suppressed"], column] = np.nan
    return out.assign(geography_code="REGION")


def near_language_training(region: Path, threshold: int, whole_group: int = 20) -> pd.DataFrame:
    """Clients living within 25 km of language training: the region's cell of tests/reference_access,
    suppressed by the proportion rule, or when it would give back the one suppressed FSA beyond 25 or
    50 km (docs/measures.md, "Service access")."""
    cells, _ = access_cells(region)
    cells = cells[cells["stream_code"] == "language_training"]
    rows = []
    for period, part in cells.groupby("period"):
        total = part[part["breakdown"] == "all"].iloc[0]
        n, near = int(total["clients"]), int(total["clients"] - total["beyond_25"])
        fsas = part[part["breakdown"] == "fsa"]
        hidden = fsas[_hidden_counts(fsas, threshold)]
        lone = any((hidden[f"beyond_{km}"] > 0).sum() == 1 for km in (25, 50))
        beyond = (int(total["beyond_25"]), int(total["beyond_50"]))
        suppressed = lone or any(_hidden_share(x, n, threshold, whole_group) for x in beyond)
        low, high = _wilson(near, n)
        rows.append(("clients_near_language_training", period, 100.0 * near / n, 100 * low, 100 * high, n, suppressed))
    columns = ["indicator_code", "period", "value", "ci_low", "ci_high", "denominator", "suppressed"]
    return pd.DataFrame(rows, columns=columns)


def _hidden_share(x: int, n: int, threshold: int, whole_group: int) -> bool:
    small = range(1, threshold)
    return n < threshold or x in small or (n - x) in small or (x in (0, n) and n < whole_group)


def _hidden_counts(fsas: pd.DataFrame, threshold: int) -> pd.Series:
    """The FSA counts the primary rule hides; with one alone hidden under its community size, the
    next smallest too (the group rule of docs/measures.md)."""
    hidden = fsas["clients"] < threshold
    for _, group in fsas.groupby("community_size_code"):
        if hidden[group.index].sum() == 1 and len(group) > 1:
            hidden[group[~hidden[group.index]].sort_values(["clients", "group_code"]).index[:1]] = True
    return hidden
