"""The welcoming-community indicator catalogue, its characteristics, geographies and default baselines.

All four are dbt seeds (seeds/indicator_*.csv): the warehouse, the file validator and
docs/indicators.md read the same files, so an indicator is defined once.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from accueil import config

SEEDS = config.REPO_ROOT / "seeds"
UNITS = ("percent", "rate_per_100k", "count", "ratio", "days", "points")
DIRECTIONS = ("higher_is_better", "lower_is_better")
COMPUTED_BY = ("warehouse", "observation")
# The smallest and largest value an observation may take, per unit (None: unbounded).
UNIT_RANGES: dict[str, tuple[float | None, float | None]] = {
    "percent": (0.0, 100.0),
    "rate_per_100k": (0.0, None),
    "count": (0.0, None),
    "ratio": (0.0, None),
    "days": (0.0, None),
    "points": (None, None),  # a gap between two groups can go either way
}


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(SEEDS / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8")


@cache
def catalogue() -> pd.DataFrame:
    frame = _read("indicator_catalogue")
    frame["characteristic_number"] = frame["characteristic_number"].astype(int)
    frame["change_tolerance"] = frame["change_tolerance"].astype(float)
    return frame.set_index("indicator_code", drop=False)


@cache
def characteristics() -> pd.DataFrame:
    frame = _read("indicator_characteristics")
    frame["characteristic_number"] = frame["characteristic_number"].astype(int)
    return frame.set_index("characteristic_number", drop=False)


@cache
def geographies() -> pd.DataFrame:
    return _read("indicator_geographies").set_index("geography_code", drop=False)


def default_baselines() -> pd.DataFrame:
    return _read("indicator_baselines")
