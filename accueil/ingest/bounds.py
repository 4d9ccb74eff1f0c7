"""Plausible values: the quarter an upload is declared for, and the contract's `earliest` and
`latest` bounds of its years, dates and quarters.

Quarters are judged against `accueil.quarters.today()`.  The bounds of year and date columns
depend on the declared quarter and on other columns of the row, so they are SQL over the whole
batch (run by accueil.ingest.crosschecks, which keeps files apart); those of quarter columns (the
agency reference's funding) are Python, over each distinct value.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from accueil.contract import Bound, Column, Contract, Sheet, bounds_text
from accueil.quarters import Quarter
from accueil.report import Problem, problem


def quarter_refused(contract: Contract, quarter: Quarter, day: date | None = None) -> Problem | None:
    """The problem of an upload declared for a quarter outside the contract's `quarters:`, or None."""
    if contract.quarters is None:
        return None
    earliest, latest = contract.quarters
    first, last = Quarter.parse(earliest.value), _current_plus(latest.offset, day)
    if first <= quarter <= last:
        return None
    return problem("quarter_out_of_range", value=str(quarter), earliest=str(first), latest=str(last))


def _current_plus(offset: int, day: date | None) -> Quarter:
    try:
        return Quarter.current(day).plus(offset)
    except ValueError:  # past 9999Q4: no quarter is too late
        return Quarter(9999, 4)


def _params(column: Column, earliest, latest) -> dict[str, str]:
    return {
        "earliest": str(earliest),
        "latest": str(latest),
        "bounds": bounds_text(column.earliest, column.latest, "en"),
        "bounds_fr": bounds_text(column.earliest, column.latest, "fr"),
    }


# ---- quarter columns --------------------------------------------------------------------------


def quarter_column_checks(
    contract: Contract, sheets: dict[str, pd.DataFrame], day: date | None = None
) -> list[Problem]:
    """Every bounded quarter column's values within their bounds (a malformed one is GX's to report)."""
    problems: list[Problem] = []
    for sheet in contract.sheets:
        frame = sheets.get(sheet.name)
        if frame is None:
            continue
        for column in sheet.columns:
            if column.type != "quarter" or not (column.earliest or column.latest):
                continue
            first = max((_quarter(b, day) for b in column.earliest), default=Quarter(1, 1))
            last = min((_quarter(b, day) for b in column.latest), default=Quarter(9999, 4))
            refused = {text for text in set(frame[column.name]) if text and not _within(text, first, last)}
            problems += [
                problem(
                    "out_of_bounds",
                    sheet=sheet.name,
                    row=int(r),
                    column=column.name,
                    value=v,
                    **_params(column, first, last),
                )
                for r, v in frame[column.name].items()
                if v in refused
            ]
    return problems


def _quarter(bound: Bound, day: date | None) -> Quarter:
    return Quarter.parse(bound.value) if bound.kind == "quarter" else _current_plus(bound.offset, day)


def _within(text: str, first: Quarter, last: Quarter) -> bool:
    try:
        return first <= Quarter.parse(text) <= last
    except ValueError:
        return True  # not a quarter at all: its type check says so


# ---- year and date columns, in SQL --------------------------------------------------------------


def _year(text: str) -> str:
    """A year column's cell as an integer, or null unless it is four digits."""
    return f"""case when regexp_full_match(t."{text}", '[0-9]{{4}}') then cast(t."{text}" as integer) end"""


def _value(column: Column) -> str:
    if column.type == "year":
        return _year(column.name)
    return f"""try_cast(nullif(t."{column.name}", '') as date)"""


def _bound(column: Column, bound: Bound, earliest: bool) -> str:
    """The bound as a SQL expression of the row `t` and its file's row `f` (qstart, qend)."""
    first_or_last = "1, 1" if earliest else "12, 31"
    if column.type == "year":
        if bound.kind == "year":
            return str(int(bound.value))
        return f"year(f.qstart) + {bound.offset}"  # quarter_start, quarter_end, quarter_year
    if bound.kind == "date":
        return f"date '{date.fromisoformat(bound.value).isoformat()}'"
    if bound.kind == "year":
        return f"make_date({int(bound.value)}, {first_or_last})"
    if bound.kind == "quarter_start":
        return "f.qstart"
    if bound.kind == "quarter_end":
        return "f.qend"
    if bound.kind == "quarter_year":
        return f"make_date(year(f.qstart) + {bound.offset}, {first_or_last})"
    return f"make_date({_year(bound.value)}, {first_or_last})"  # column: the year of another column


def _extreme(function: str, column: Column, bounds: tuple[Bound, ...], earliest: bool) -> str:
    if not bounds:
        return "null"
    parts = [_bound(column, b, earliest) for b in bounds]
    return parts[0] if len(parts) == 1 else f"{function}({', '.join(parts)})"


def sql_checks(con: duckdb.DuckDBPyConnection, sheet: Sheet) -> list[tuple[int, Problem]]:
    """(file number, problem) of every bounded year or date of the sheet outside its bounds.

    `con` holds the sheet's table (with each row's `file`) and `files` (file, qstart, qend)."""
    found = []
    for column in sheet.columns:
        if column.type not in ("year", "date") or not (column.earliest or column.latest):
            continue
        earliest = _extreme("greatest", column, column.earliest, True)
        latest = _extreme("least", column, column.latest, False)
        rows = con.execute(
            f"""select file, row, "{column.name}", cast(low as varchar), cast(high as varchar) from (
                    select t.file, t.row, t."{column.name}", {_value(column)} as v, {earliest} as low,
                           {latest} as high
                    from {sheet.table} t join files f using (file)
                ) where v < low or v > high
                order by file, row"""
        ).fetchall()
        for f, r, value, low, high in rows:
            found.append(
                (
                    f,
                    problem(
                        "out_of_bounds",
                        sheet=sheet.name,
                        row=r,
                        column=column.name,
                        value=value,
                        **_params(column, low or "…", high or "…"),
                    ),
                )
            )
    return found
