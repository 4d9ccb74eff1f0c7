"""Column helpers the generator builds its frames with: day numbers, categorical labels, runs of rows per client.

Dates are held as day numbers and code columns as categoricals, so that a national
year of simulated services fits in a few hundred MB; the writer turns both into text.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

EPOCH = date(1970, 1, 1)


def day_number(d: date) -> int:
    return (d - EPOCH).days


def cat(labels: list[str] | tuple[str, ...], codes: np.ndarray) -> pd.Categorical:
    """Labels by index; index -1 is a blank cell."""
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int16), categories=list(labels))


def pick(rng: np.random.Generator, labels, size: int, p=None) -> pd.Categorical:
    return cat(labels, rng.choice(len(labels), size=size, p=p))


def yes_no(flags: np.ndarray, blank: np.ndarray | None = None) -> pd.Categorical:
    codes = np.where(flags, 0, 1)
    if blank is not None:
        codes = np.where(blank, -1, codes)
    return cat(("Yes", "No"), codes)


def within_client(count: np.ndarray) -> np.ndarray:
    """0, 1, 2... within each client's run of rows."""
    total = int(count.sum())
    return np.arange(total) - np.repeat(np.cumsum(count) - count, count)


def cumsum_within_client(values: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Running totals of values that start again at each client's first row."""
    csum = np.cumsum(values)
    starts = np.cumsum(count) - count
    before = np.where(starts > 0, csum[starts - 1], 0)
    return csum - np.repeat(before, count)
