"""seeds/outcome_catalogue.csv read once, as Outcome rows in the file's order.

The seed is dbt's too (published as reference.outcome_catalogue), and dbt's tests hold its
values to the same lists as the checks here; these run without dbt, for the dashboards and
the command line, so that a mistyped row fails on reading, not on screen.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from accueil import config

PATH = config.REPO_ROOT / "seeds" / "outcome_catalogue.csv"
UNITS = ("proportion", "days")
DIRECTIONS = ("higher_is_better", "lower_is_better")
UNITS_COUNTED = ("client", "referral", "need")
COMPUTED_IN = ("int_outcome_records", "int_outcome_cells")


@dataclass(frozen=True)
class Outcome:
    code: str
    name_en: str
    name_fr: str
    unit: str  # proportion or days (a median)
    direction: str
    unit_counted: str  # client, referral or need (a need a client named)
    computed_in: str  # the model whose SQL computes it
    definition_anchor: str  # <a id="..."> of its definition in docs/measures.md
    breakdowns: tuple[str, ...]
    headline_order: int | None  # its place among the funders' headline outcomes
    benchmark_value: float | None  # an outside reference, in the outcome's unit
    benchmark_target: float | None
    benchmark_source_en: str
    benchmark_source_fr: str

    def name(self, lang: str) -> str:
        return self.name_fr if lang == "fr" else self.name_en

    def benchmark_source(self, lang: str) -> str:
        return self.benchmark_source_fr if lang == "fr" else self.benchmark_source_en

    @property
    def is_median(self) -> bool:
        return self.unit == "days"


def _number(text: str) -> float | None:
    return float(text) if text.strip() else None


def _row(row: dict[str, str]) -> Outcome:
    code = row["outcome"]
    for column, allowed in (
        ("unit", UNITS),
        ("direction", DIRECTIONS),
        ("unit_counted", UNITS_COUNTED),
        ("computed_in", COMPUTED_IN),
    ):
        if row[column] not in allowed:
            raise ValueError(f"{PATH.name}: {code}: {column} {row[column]!r} is not one of {', '.join(allowed)}")
    if not all(row[c].strip() for c in ("outcome", "name_en", "name_fr", "definition_anchor", "breakdowns")):
        raise ValueError(f"{PATH.name}: {code or 'a row'}: code, names, definition and breakdowns are required")
    value = _number(row["benchmark_value"])
    if value is not None and not (row["benchmark_source_en"].strip() and row["benchmark_source_fr"].strip()):
        raise ValueError(f"{PATH.name}: {code}: a benchmark needs its source in English and French")
    return Outcome(
        code=code,
        name_en=row["name_en"],
        name_fr=row["name_fr"],
        unit=row["unit"],
        direction=row["direction"],
        unit_counted=row["unit_counted"],
        computed_in=row["computed_in"],
        definition_anchor=row["definition_anchor"],
        breakdowns=tuple(row["breakdowns"].split()),
        headline_order=int(row["headline_order"]) if row["headline_order"].strip() else None,
        benchmark_value=value,
        benchmark_target=_number(row["benchmark_target"]),
        benchmark_source_en=row["benchmark_source_en"],
        benchmark_source_fr=row["benchmark_source_fr"],
    )


@cache
def catalogue() -> dict[str, Outcome]:
    """Every outcome by code, in the seed's order (the order the dashboards list them in)."""
    with PATH.open(encoding="utf-8", newline="") as f:
        rows = [_row(row) for row in csv.DictReader(f)]
    found = {row.code: row for row in rows}
    if len(found) != len(rows):
        raise ValueError(f"{PATH.name}: an outcome code is given twice")
    orders = [row.headline_order for row in rows if row.headline_order is not None]
    if len(set(orders)) != len(orders):
        raise ValueError(f"{PATH.name}: two headline outcomes share a headline_order")
    return found


def codes() -> tuple[str, ...]:
    return tuple(catalogue())


def get(code: str) -> Outcome:
    """One outcome; a code the catalogue lacks is an error here rather than an empty chart later."""
    try:
        return catalogue()[code]
    except KeyError:
        raise KeyError(f"outcome {code!r} is not in seeds/outcome_catalogue.csv") from None


def headline() -> tuple[str, ...]:
    """The funders' headline outcomes, in their headline_order."""
    chosen = [row for row in catalogue().values() if row.headline_order is not None]
    return tuple(row.code for row in sorted(chosen, key=lambda row: row.headline_order))


def labels() -> dict[str, tuple[str, str]]:
    """Each outcome's name in English and French, as accueil.i18n keeps the names of codes."""
    return {code: (row.name_en, row.name_fr) for code, row in catalogue().items()}
