"""Which quarter an extract covers: from the dates inside it, else from its name.

The agency page proposes that quarter when a file is chosen, and the door says, in one sentence
before any row error, when the quarter an extract is uploaded as is not the one its dates are in
(`quarter_mismatch`): a file sent under the wrong quarter otherwise gets one "date outside the
quarter" error per row, hundreds of them, and no word of what went wrong.

The dates are each sheet's event dates (the contract's `event_date`, the same the door checks
against the declared quarter); the quarter covered is the one most of them fall in.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from accueil.contract import Contract
from accueil.quarters import Quarter
from accueil.report import Problem, problem

# Extracts are named {AGENCY}_{YYYY}Q{n}...: AG001_2025Q4.xlsx, AG001_2025Q4_v2.xlsx.
_IN_NAME = re.compile(r"(?<![0-9])([0-9]{4})[Qq]([1-4])(?![0-9])")


def quarter_in_name(file_name: str) -> Quarter | None:
    found = _IN_NAME.search(file_name or "")
    if not found or found.group(1) == "0000":
        return None
    return Quarter(int(found.group(1)), int(found.group(2)))


def dated_quarters(contract: Contract, sheets: dict[str, pd.DataFrame]) -> Counter:
    """How many dated rows of the file fall in each quarter (by each sheet's first filled event date).

    A file's rows share a few hundred days, so each distinct text is read as a date once, for all
    the sheets together."""
    counts: Counter = Counter()
    every: list[np.ndarray] = []
    for sheet in contract.sheets:
        frame = sheets.get(sheet.name)
        if frame is None or not sheet.event_date or frame.empty:
            continue
        dated = None
        for column in sheet.event_date:
            if column not in frame.columns:
                continue
            values = frame[column].to_numpy(dtype=object)
            codes, distinct = pd.factorize(values)
            blank = np.array([str(v).strip() == "" for v in distinct], dtype=bool)
            filled = (codes >= 0) & ~blank[codes] if len(distinct) else np.zeros(len(values), dtype=bool)
            dated = (
                np.where(filled, values, None) if dated is None else np.where(pd.isna(dated) & filled, values, dated)
            )
        if dated is not None:
            every.append(dated)
    if not every:
        return counts
    codes, distinct = pd.factorize(np.concatenate(every))  # None is left out (code -1)
    # The day of a date or a date-time (its first ten characters); anything else is not counted.
    days = pd.to_datetime(pd.Series(distinct, dtype="string").str[:10], errors="coerce", format="%Y-%m-%d")
    for day, rows in zip(days, np.bincount(codes[codes >= 0], minlength=len(distinct)), strict=True):
        if not pd.isna(day) and rows:
            counts[f"{day.year:04d}Q{(day.month - 1) // 3 + 1}"] += int(rows)
    return counts


@dataclass(frozen=True)
class Covered:
    quarter: Quarter
    dated: int  # rows dated in that quarter
    total: int  # dated rows in the file


def covered_quarter(contract: Contract, sheets: dict[str, pd.DataFrame]) -> Covered | None:
    """The quarter most of the file's dated rows fall in, or None when nothing is dated."""
    counts = dated_quarters(contract, sheets)
    if not counts:
        return None
    # Ties go to the later quarter: a file spanning two equally is most likely the later one's.
    text, dated = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    return Covered(Quarter.parse(text), dated, sum(counts.values()))


def quarter_mismatch(contract: Contract, sheets: dict[str, pd.DataFrame], declared: Quarter) -> Problem | None:
    """The one-sentence problem of a file whose dates are mostly in another quarter than the one
    it is uploaded as, or None."""
    covered = covered_quarter(contract, sheets)
    if covered is None or covered.quarter == declared:
        return None
    in_declared = dated_quarters(contract, sheets).get(str(declared), 0)
    if in_declared * 2 > covered.total:  # most dates are the declared quarter's: not a mismatch
        return None
    return problem(
        "quarter_mismatch",
        declared=str(declared),
        found=str(covered.quarter),
        dated=covered.dated,
        total=covered.total,
    )
