"""Set-based checks that span rows and sheets, in DuckDB SQL.

GX looks at one column at a time; these look at the file as a whole: dates in the
declared quarter, years and dates within their plausible bounds (accueil.ingest.bounds), one
birth year per client, clients profiled, referral details complete and pointing at a known
agency, and record ids that are not another agency's.

Files validated together are checked together: each table holds every file's rows with
the file's number, and every query keeps files apart by it.  A query costs a few
milliseconds whatever its size, and a file needs about forty of them, so one connection
and one set of queries per batch, not per file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from accueil.contract import Contract, Sheet, known_values
from accueil.ingest import bounds
from accueil.ingest.arrow import create_table
from accueil.ingest.columns import batch_columns
from accueil.quarters import Quarter
from accueil.report import Problem, problem


@dataclass(frozen=True)
class CheckedFile:
    """One file's normalised sheets, with what its checks need to know about it."""

    sheets: dict[str, pd.DataFrame]
    quarter: Quarter
    backdate_days: int = 0
    known_agencies: set[str] | None = None
    agency: str = ""  # the agency it is uploaded as

    @property
    def earliest(self):
        return self.quarter.start - timedelta(days=self.backdate_days)


def batch_tables(contract: Contract, files: list[CheckedFile]) -> dict[str, pa.Table]:
    """Each sheet of every file as one Arrow table (file number, row, texts), by raw table name:
    what the checks below read, and what an accepted file's staged tables are cut from
    (`file_tables`)."""
    return {sheet.table: _sheet_table(sheet, files) for sheet in contract.sheets}


def file_tables(tables: dict[str, pa.Table], count: int) -> list[dict[str, pa.Table]]:
    """Each of the `count` files' rows of `batch_tables`, as staged: its row numbers, then its texts.
    Slices, not copies: the texts were converted to Arrow once, for the batch."""
    out: list[dict[str, pa.Table]] = [{} for _ in range(count)]
    for name, table in tables.items():
        # In file order (batch_columns puts the files end to end): where each file's rows start.
        bounds = np.searchsorted(table.column("file").to_numpy(), np.arange(count + 1))
        rows = table.drop_columns(["file"])
        rows = rows.rename_columns(["row_number", *rows.column_names[1:]])
        for number in range(count):
            out[number][name] = rows.slice(bounds[number], bounds[number + 1] - bounds[number])
    return out


def _connect(contract: Contract, files: list[CheckedFile], tables: dict[str, pa.Table]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    for sheet in contract.sheets:
        # Arrow, read in place: copying each sheet into a DuckDB table first cost more than
        # the queries save (1.9 against 1.5 s for 64 national extracts; a registered pandas
        # frame of objects, by contrast, was converted again by every query).
        con.register(sheet.table, tables[sheet.table])
    files_table = pa.table(
        {
            "file": pa.array(range(len(files)), pa.int32()),
            "earliest": pa.array([f.earliest for f in files], pa.date32()),
            "last": pa.array([f.quarter.end for f in files], pa.date32()),
            "qstart": pa.array([f.quarter.start for f in files], pa.date32()),
            "qend": pa.array([f.quarter.end for f in files], pa.date32()),
            "agency": pa.array([f.agency for f in files], pa.string()),
        }
    )
    create_table(con, "files", files_table)
    # The agency codes each file's record ids are compared with: the reference's, when there is one.
    known = [
        (n, code)
        for n, f in enumerate(files)
        if f.agency and f.known_agencies
        for code in sorted({*f.known_agencies, f.agency})
    ]
    # Every agency of the reference for every file: thousands in a national batch (create_table).
    codes = {"file": pa.array([n for n, _ in known], pa.int32()), "code": pa.array([c for _, c in known], pa.string())}
    create_table(con, "known", pa.table(codes))
    return con


def _sheet_table(sheet: Sheet, files: list[CheckedFile]) -> pa.Table:
    """The sheet of every file, rows end to end with the file's number: each column converted once
    for the batch, not once per file (a national batch is 16 files of 11 sheets)."""
    frames = {number: item.sheets[sheet.name] for number, item in enumerate(files) if sheet.name in item.sheets}
    texts, rows, numbers = batch_columns(sheet.column_names, frames)
    return pa.table(
        {
            "file": pa.array(numbers, pa.int32()),
            "row": pa.array(rows, pa.int64()),
            **{name: pa.array(values, pa.string()) for name, values in texts.items()},
        }
    )


def cross_check_files(contract: Contract, files: list[CheckedFile], tables: dict[str, pa.Table]) -> list[list[Problem]]:
    """Each file's problems, in the same order as if it were checked alone.  `tables`: the files'
    `batch_tables`."""
    if not files:
        return []
    con = _connect(contract, files, tables)
    problems: list[list[Problem]] = [[] for _ in files]
    for sheet in contract.sheets:
        _column_checks(con, sheet, problems)
        for f, found in bounds.sql_checks(con, sheet):
            problems[f].append(found)
        if "record_id" in sheet.column_names:
            _agency_checks(con, sheet, problems)
        if not sheet.event_date:
            continue
        dated = "coalesce(" + ", ".join(f"nullif(\"{c}\", '')" for c in sheet.event_date) + ")"
        rows = con.execute(
            f"""select file, row, d from (select file, row, {dated} as d from {sheet.table}) t
                join files using (file)
                where try_cast(d as date) is not null
                  and (try_cast(d as date) < files.earliest or try_cast(d as date) > files.last)
                order by file, row"""
        ).fetchall()
        column = sheet.event_date[0] if len(sheet.event_date) == 1 else " / ".join(sheet.event_date)
        for f, r, d in rows:
            item = files[f]
            problems[f].append(
                problem(
                    "date_outside_quarter",
                    sheet=sheet.name,
                    row=r,
                    column=column,
                    value=d,
                    quarter=str(item.quarter),
                    start=item.earliest.isoformat(),
                    end=item.quarter.end.isoformat(),
                )
            )
    client_sheets = [s for s in contract.sheets if s.client_level]
    years = " union all ".join(
        f"select file, client_key, client_birth_year as year, '{s.name}' as sheet, row from {s.table} "
        # A malformed year is its type check's to report, and is not quoted here.
        f"where client_key <> '' and regexp_full_match(client_birth_year, '[0-9]{{4}}')"
        for s in client_sheets
    )
    for f, key, count, listed, sheet, row in con.execute(f"""
            with years as ({years}),
            conflicts as (select file, client_key, count(distinct year) as n,
                                 string_agg(distinct year, ', ' order by year) as listed
                          from years group by file, client_key having count(distinct year) > 1)
            select c.file, c.client_key, c.n, c.listed, min(y.sheet), min(y.row)
            from conflicts c join years y using (file, client_key)
            group by all order by 1, 2""").fetchall():
        problems[f].append(
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
        for f, row, key in con.execute(f"""
                select t.file, min(t.row), t.client_key from {sheet.table} t
                anti join {profiled} p on p.file = t.file and p.client_key = t.client_key
                where t.client_key <> ''
                group by t.file, t.client_key order by 1, 2""").fetchall():
            problems[f].append(
                problem("client_not_profiled", sheet=sheet.name, row=row, column="client_key", value=key[:12] + "…")
            )

    if any(item.known_agencies is not None for item in files):
        for sheet in contract.sheets:
            for col in sheet.columns:
                if col.type != "agency_code":
                    continue
                for f, row, code in con.execute(
                    f"""select file, row, "{col.name}" from {sheet.table} where "{col.name}" <> '' order by file, row"""
                ).fetchall():
                    known = files[f].known_agencies
                    if known is not None and code not in known:
                        problems[f].append(
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


def known_value_checks(contract: Contract, sheets: dict[str, pd.DataFrame]) -> list[Problem]:
    """Every `known_in` column's value is one its seed lists: a site's FSA is one of Canada's."""
    problems: list[Problem] = []
    for sheet in contract.sheets:
        frame = sheets.get(sheet.name)
        for col in sheet.columns if frame is not None else ():
            if col.known_in:
                known = known_values(col.known_in)
                bad = frame[(frame[col.name] != "") & ~frame[col.name].isin(known)]
                problems += [
                    problem("fsa_unknown", sheet=sheet.name, row=int(r), column=col.name, value=v)
                    for r, v in bad[col.name].items()
                ]
    return problems


# An agency code has at most six parts joined by hyphens (12 characters): the prefixes of a record
# id that may be one.
_PREFIXES = 6


def _agency_checks(con: duckdb.DuckDBPyConnection, sheet, problems: list[list[Problem]]) -> None:
    """Record ids that begin with another known agency's code and a hyphen, as the generator's and the
    anonymiser's do (`AG001-IO-0000001`, `AG001-NAR-3fa9c2e1b7d0`): the file is that agency's.

    Each id's prefixes up to a hyphen are matched with the codes; the longest code matching wins,
    so that `AG-1-IO-7` is AG-1's, not AG's.  Ids an agency's own system made, with no agency
    code in front, say nothing and are not judged."""
    rows = con.execute(
        f"""with prefixes as (
                select t.file, t.row, t.record_id, array_to_string(list_slice(t.parts, 1, r.i), '-') as prefix
                from (select file, row, record_id, string_split(upper(record_id), '-') as parts
                      from {sheet.table} where record_id <> '' and file in (select file from known)) t,
                     range(1, {_PREFIXES + 1}) r(i)
                where r.i < len(t.parts)
            )
            select p.file, p.row, p.record_id, arg_max(k.code, length(k.code)) as owner, f.agency
            from prefixes p join known k on k.file = p.file and k.code = p.prefix join files f on f.file = p.file
            group by p.file, p.row, p.record_id, f.agency
            having arg_max(k.code, length(k.code)) <> f.agency
            order by p.file, p.row"""
    ).fetchall()
    for f, row, record_id, owner, agency in rows:
        problems[f].append(
            problem(
                "agency_mismatch",
                sheet=sheet.name,
                row=row,
                column="record_id",
                value=record_id,
                owner=owner,
                agency=agency,
            )
        )


def _column_checks(con: duckdb.DuckDBPyConnection, sheet, problems: list[list[Problem]]) -> None:
    for col in sheet.columns:
        if col.type == "date":
            # Well formed (GX checked the shape) but not on the calendar, like 2024-02-30.
            rows = con.execute(
                f"""select file, row, "{col.name}" from {sheet.table}
                    where regexp_full_match("{col.name}", '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}')
                      and try_cast("{col.name}" as date) is null
                    order by file, row"""
            ).fetchall()
            for f, r, v in rows:
                problems[f].append(problem("type_date", sheet=sheet.name, row=r, column=col.name, value=v))
        if col.required_with:
            rows = con.execute(
                f"""select file, row from {sheet.table} where "{col.required_with}" <> '' and "{col.name}" = ''
                    order by file, row"""
            ).fetchall()
            for f, r in rows:
                problems[f].append(
                    problem("required_with", sheet=sheet.name, row=r, column=col.name, other=col.required_with)
                )
