"""Set-based checks that span rows and sheets, in DuckDB SQL.

GX looks at one column at a time; these look at the file as a whole: dates in the
declared quarter, one birth year per client, clients profiled, referral details complete and pointing at a known agency.
"""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pandas as pd

from accueil.contract import Contract
from accueil.ingest.arrow import text_table
from accueil.quarters import Quarter
from accueil.report import Problem, problem


def _connect(contract: Contract, sheets: dict[str, pd.DataFrame]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    for sheet in contract.sheets:
        frame = sheets.get(sheet.name)
        if frame is None:
            frame = pd.DataFrame({c: pd.Series(dtype=object) for c in sheet.column_names})
            frame.index.name = "row"
        # Copied into DuckDB once, from Arrow: the many small queries below then read a
        # native table, where a registered pandas frame of objects is converted by each.
        con.register("incoming", text_table(frame, "row"))
        con.execute(f"create table {sheet.table} as select * from incoming")
        con.unregister("incoming")
    return con


def cross_checks(
    contract: Contract,
    sheets: dict[str, pd.DataFrame],
    quarter: Quarter,
    backdate_days: int,
    known_agencies: set[str] | None,
) -> list[Problem]:
    con = _connect(contract, sheets)
    problems: list[Problem] = []
    earliest = quarter.start - timedelta(days=backdate_days)
    for sheet in contract.sheets:
        problems += _column_checks(con, sheet)
        if not sheet.event_date:
            continue
        dated = "coalesce(" + ", ".join(f"nullif(\"{c}\", '')" for c in sheet.event_date) + ")"
        rows = con.execute(
            f"""select row, {dated} as d from {sheet.table}
                where try_cast({dated} as date) is not null
                  and (try_cast({dated} as date) < ? or try_cast({dated} as date) > ?)""",
            [earliest, quarter.end],
        ).fetchall()
        column = sheet.event_date[0] if len(sheet.event_date) == 1 else " / ".join(sheet.event_date)
        problems += [
            problem(
                "date_outside_quarter",
                sheet=sheet.name,
                row=r,
                column=column,
                value=d,
                quarter=str(quarter),
                start=earliest.isoformat(),
                end=quarter.end.isoformat(),
            )
            for r, d in rows
        ]
    client_sheets = [s for s in contract.sheets if s.client_level]
    years = " union all ".join(
        f"select client_key, client_birth_year as year, '{s.name}' as sheet, row from {s.table} "
        f"where client_key <> '' and client_birth_year <> ''"
        for s in client_sheets
    )
    for key, count, listed, sheet, row in con.execute(f"""
            with years as ({years}),
            conflicts as (select client_key, count(distinct year) as n,
                                 string_agg(distinct year, ', ' order by year) as listed
                          from years group by client_key having count(distinct year) > 1)
            select c.client_key, c.n, c.listed, min(y.sheet), min(y.row)
            from conflicts c join years y using (client_key)
            group by all order by 1""").fetchall():
        problems.append(
            problem(
                "birth_year_conflict",
                sheet=sheet,
                row=row,
                column="client_birth_year",
                value=key[:12] + "…",
                count=count,
                years=listed,
            )
        )

    profiled = contract.sheet("Client Profile").table
    for sheet in client_sheets:
        if sheet.name == "Client Profile":
            continue
        for row, key in con.execute(f"""
                select min(row), client_key from {sheet.table}
                where client_key <> '' and client_key not in (select client_key from {profiled})
                group by client_key order by 1""").fetchall():
            problems.append(
                problem("client_not_profiled", sheet=sheet.name, row=row, column="client_key", value=key[:12] + "…")
            )

    if known_agencies is not None:
        for sheet in contract.sheets:
            for col in sheet.columns:
                if col.type != "agency_code":
                    continue
                for row, code in con.execute(
                    f"""select row, "{col.name}" from {sheet.table} where "{col.name}" <> ''"""
                ).fetchall():
                    if code not in known_agencies:
                        problems.append(
                            problem("agency_unknown", sheet=sheet.name, row=row, column=col.name, value=code)
                        )
    con.close()
    return problems


def reference_checks(contract: Contract, sheets: dict[str, pd.DataFrame]) -> list[Problem]:
    """Every `references` column points at a row of its target sheet in the same file."""
    problems: list[Problem] = []
    for sheet in contract.sheets:
        frame = sheets.get(sheet.name)
        if frame is None:
            continue
        for col in sheet.columns:
            if not col.references or col.references not in sheets:
                continue
            target = contract.sheet(col.references)
            keys = set(sheets[col.references][target.unique[0]])
            bad = frame[(frame[col.name] != "") & ~frame[col.name].isin(keys)]
            # A course used before it is set up has its own, more helpful wording.
            rule = "course_not_set_up" if col.references == "LT Course Setup" else "reference_missing"
            problems += [
                problem(rule, sheet=sheet.name, row=int(r), column=col.name, value=v, target=col.references)
                for r, v in bad[col.name].items()
            ]
    return problems


def _column_checks(con: duckdb.DuckDBPyConnection, sheet) -> list[Problem]:
    problems: list[Problem] = []
    for col in sheet.columns:
        if col.type == "date":
            # Well formed (GX checked the shape) but not on the calendar, like 2024-02-30.
            rows = con.execute(
                f"""select row, "{col.name}" from {sheet.table}
                    where regexp_full_match("{col.name}", '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}')
                      and try_cast("{col.name}" as date) is null"""
            ).fetchall()
            problems += [problem("type_date", sheet=sheet.name, row=r, column=col.name, value=v) for r, v in rows]
        if col.required_with:
            rows = con.execute(
                f"""select row from {sheet.table} where "{col.required_with}" <> '' and "{col.name}" = ''"""
            ).fetchall()
            problems += [
                problem("required_with", sheet=sheet.name, row=r, column=col.name, other=col.required_with)
                for (r,) in rows
            ]
    return problems
