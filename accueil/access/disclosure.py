"""Disclosure control at the access layer: the second line behind the marts' own suppression.

The marts suppress every count and every rate's denominator under the threshold, with
complementary suppression, and their dbt tests prove it.  This module does not redo that
work; it makes sure that a mistake there (a new mart, a changed model, a planted row)
cannot reach an aggregate reader.  A count cell under the threshold that is not marked
suppressed is blanked, with every other figure of its group, and reported so that the
caller can audit it.

Which columns are counts is decided by name, the same way in every mart:

* people counted: `denominator`, `clients_served`, `referrals` (a flow between agencies),
  `eligible` (those a rate could speak for), `covered_clients` and `<outcome>_denominator`; under
  the threshold, zero included, they are small cells.
* outcomes counted (and those not covered): `numerator`, `not_covered_clients`,
  `<outcome>_numerator`, `cost_outcome_numerator`; zero is
  publishable (no one), one to threshold-1 is not, as the marts decide.  Beside its
  denominator (`denominator`, `<outcome>_denominator`), an outcome count is also small when
  those without the outcome (denominator - numerator) are one to threshold-1, or when it is
  all or none of a group under the whole-group threshold (docs/measures.md).

A count's suppression mark is `<outcome>_suppressed` for `<outcome>_...` columns, else the
row's `suppressed`; a table without a mark has every count checked.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

import pandas as pd

from accueil import config, yaml_files
from accueil.sql_text import identifier


@cache
def _project_var(name: str) -> int:
    project = yaml_files.load(config.REPO_ROOT / "warehouse" / "dbt_project.yml")
    return int(project["vars"][name])


def suppression_threshold() -> int:
    """The dbt var the marts were built with, so the access layer's own suppression matches theirs."""
    if os.environ.get("ACCUEIL_SUPPRESSION_THRESHOLD"):
        return int(os.environ["ACCUEIL_SUPPRESSION_THRESHOLD"])
    return _project_var("suppression_threshold")


def whole_group_threshold() -> int:
    """Under this denominator, 0/N and N/N are not published (the dbt var of the same name)."""
    return _project_var("whole_group_threshold")


POPULATION = ("denominator", "clients_served", "referrals", "eligible", "covered_clients")
# not_covered_clients (fct_followup_coverage): zero says everyone was reached, which the marts publish
OUTCOME = ("numerator", "not_covered_clients")
# Never blanked with their group: they say which row this is, not how many people are in it.
IDENTIFYING = frozenset({"upload_id", "version", "characteristic_number", "site_count", "superseded_by_upload_id"})


@dataclass(frozen=True)
class CountColumn:
    name: str
    flag: str | None  # the column that marks the cell suppressed, when the table has one
    zero_allowed: bool  # an outcome count of zero says "no one", which the marts publish
    group: tuple[str, ...]  # the figures blanked with it
    denominator: str | None = None  # for an outcome count: the population it is a part of

    def is_small(self, value, threshold: int, denominator=None) -> bool:
        if value is None or pd.isna(value):
            return False
        low = 1 if self.zero_allowed else float("-inf")
        if low <= float(value) < threshold:
            return True
        if denominator is None or pd.isna(denominator):
            return False
        complement = float(denominator) - float(value)
        whole = float(value) in (0.0, float(denominator)) and float(denominator) < whole_group_threshold()
        return 1 <= complement < threshold or whole

    def sql_predicate(self, threshold: int) -> str:
        column = identifier(self.name)
        low = f" and {column} >= 1" if self.zero_allowed else ""
        small = f"({column} < {int(threshold)}{low})"
        if self.denominator:
            total = identifier(self.denominator)
            small = (
                f"({small} or coalesce({total} - {column} between 1 and {int(threshold) - 1}, false)"
                f" or coalesce({column} in (0, {total}) and {total} < {whole_group_threshold()}, false))"
            )
        flagged = f" and not coalesce({identifier(self.flag)}, false)" if self.flag else ""
        return f"({column} is not null and {small}{flagged})"


def _kind(name: str) -> tuple[str | None, bool] | None:
    """(group prefix or None, zero allowed) for a count column; None for anything else."""
    if name in POPULATION:
        return None, False
    if name in OUTCOME:
        return None, True
    for suffix, zero in (("_denominator", False), ("_numerator", True)):
        if name.endswith(suffix):
            return name[: -len(suffix)], zero
    return None


def count_columns(columns: list[str], numeric: set[str] | None = None) -> list[CountColumn]:
    """The count columns of a table with these columns, each with its mark and its group."""
    names = list(columns)
    numeric = set(names) if numeric is None else numeric
    prefixes = {n[: -len("_suppressed")] for n in names if n.endswith("_suppressed")}
    grouped = {n for n in names for p in prefixes if n.startswith(f"{p}_")}
    row_group = tuple(n for n in names if n in numeric and n not in grouped and n not in IDENTIFYING)
    found = []
    for name in names:
        kind = _kind(name)
        if kind is None:
            continue
        prefix, zero = kind
        if prefix in prefixes:
            flag = f"{prefix}_suppressed"
            group = tuple(n for n in names if n.startswith(f"{prefix}_") and n != flag and n in numeric)
        else:
            flag = "suppressed" if "suppressed" in names else None
            group = row_group
        pair = f"{prefix}_denominator" if prefix else "denominator"
        denominator = pair if zero and pair in names and pair in numeric else None
        found.append(CountColumn(name, flag, zero, group or (name,), denominator))
    return found


@dataclass(frozen=True)
class Finding:
    column: str
    row: int
    value: float


def _numeric_columns(frame: pd.DataFrame) -> set[str]:
    return {
        c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
    }


def small_cells(frame: pd.DataFrame, threshold: int) -> list[Finding]:
    """Every count cell under the threshold that is not marked suppressed."""
    found = []
    for count in count_columns(list(frame.columns), _numeric_columns(frame)):
        flags = frame[count.flag].fillna(False).astype(bool) if count.flag else pd.Series(False, index=frame.index)
        totals = frame[count.denominator] if count.denominator else pd.Series(None, index=frame.index, dtype=object)
        for position, (value, total, flagged) in enumerate(zip(frame[count.name], totals, flags, strict=True)):
            if not flagged and count.is_small(value, threshold, total):
                found.append(Finding(count.name, position, float(value)))
    return found


def blank_small_cells(frame: pd.DataFrame, threshold: int) -> tuple[pd.DataFrame, list[Finding]]:
    """The frame with every unsuppressed small cell blanked with its group and marked suppressed."""
    findings = small_cells(frame, threshold)
    if not findings:
        return frame, []
    out = frame.copy()
    counts = {c.name: c for c in count_columns(list(frame.columns), _numeric_columns(frame))}
    for finding in findings:
        count = counts[finding.column]
        index = out.index[finding.row]
        for column in count.group:
            if out[column].dtype.kind in "iu":  # numpy integers have no missing value
                out[column] = out[column].astype("Int64")
            out.loc[index, column] = pd.NA
        if count.flag:
            out.loc[index, count.flag] = True
    return out, findings


@dataclass(frozen=True)
class ScanResult:
    table: str
    column: str
    cells: int
    examples: list[dict]


def scan_snapshot(path: str, threshold: int, tables: frozenset[str] | None = None) -> list[ScanResult]:
    """Unsuppressed count cells under the threshold in the snapshot's aggregate marts, read-only.

    Done in SQL, table by table, so that a national snapshot is scanned without loading it.
    """
    from accueil.access.exposure import SCHEMA, aggregate_exposure
    from accueil.access.snapshot import connect

    exposed = aggregate_exposure().tables if tables is None else tables
    results = []
    with connect(path) as con:
        present = con.execute(
            "select table_name from duckdb_tables() where schema_name = ? order by table_name", [SCHEMA]
        ).fetchall()
        for (table,) in present:
            if table not in exposed:
                continue
            described = con.execute(
                "select column_name, data_type from duckdb_columns() where schema_name = ? and table_name = ?"
                " order by column_index",
                [SCHEMA, table],
            ).fetchall()
            names = [name for name, _ in described]
            numeric = {name for name, kind in described if is_numeric_sql(kind)}
            relation = f"{SCHEMA}.{identifier(table)}"
            for count in count_columns(names, numeric):
                if count.name not in numeric:
                    continue
                where = count.sql_predicate(threshold)
                (cells,) = con.execute(f"select count(*) from {relation} where {where}").fetchone()
                if cells:
                    sample = con.execute(f"select * from {relation} where {where} limit 3").df()
                    examples = sample.astype(object).where(sample.notna(), None).to_dict("records")
                    results.append(ScanResult(table, count.name, int(cells), examples))
    return results


def is_numeric_sql(data_type: str) -> bool:
    kind = data_type.upper()
    return kind.startswith(("DECIMAL", "NUMERIC")) or kind in {
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "HUGEINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
        "FLOAT",
        "DOUBLE",
        "REAL",
    }
