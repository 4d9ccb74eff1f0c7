"""Quarters as agencies name them: calendar quarters written YYYYQn (e.g. 2025Q3).

A Quarter always has calendar dates: its year is 0001 to 9999, so `start` and `end` never
fail, whatever text it was parsed from.  Which quarters an upload may be declared for is the
contract's (`quarters:` in extract_v1.yaml), judged against `today()`, which tests replace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_QUARTER = re.compile(r"^([0-9]{4})\s*[Qq]([1-4])$")  # ASCII digits only: int() reads others too
_LAST_DAY = {1: 31, 2: 30, 3: 30, 4: 31}  # of March, June, September and December


def today() -> date:
    """The date quarters are judged against; tests replace it (monkeypatch accueil.quarters.today)."""
    return date.today()


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    def __post_init__(self):
        if not (1 <= self.year <= 9999 and self.number in (1, 2, 3, 4)):
            raise ValueError(f"{self.year}Q{self.number} is not a quarter of the calendar (years 0001 to 9999)")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = _QUARTER.match(str(text).strip())
        if not match or match.group(1) == "0000":
            raise ValueError(f"{text!r} is not a quarter; write it as YYYYQn, for example 2025Q3")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def current(cls, day: date | None = None) -> Quarter:
        """The quarter of `day`, by default of today()."""
        return cls.of(day or today())

    def __str__(self) -> str:
        return f"{self.year:04d}Q{self.number}"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        return date(self.year, 3 * self.number, _LAST_DAY[self.number])

    def next(self) -> Quarter:
        return self.plus(1)

    def plus(self, count: int) -> Quarter:
        """The quarter `count` quarters later (earlier when negative); ValueError past 0001Q1 or 9999Q4."""
        index = self.year * 4 + self.number - 1 + count
        return Quarter(index // 4, index % 4 + 1)

    def series(self, count: int) -> list[Quarter]:
        quarters = [self]
        while len(quarters) < count:
            quarters.append(quarters[-1].next())
        return quarters


def bounds(earliest: str, ahead: int, day: date | None = None) -> tuple[Quarter, Quarter]:
    """(the earliest quarter, the latest one): `earliest` as written, the latest `ahead` after today's."""
    return Quarter.parse(earliest), Quarter.current(day).plus(ahead)
