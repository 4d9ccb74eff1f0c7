"""Read an uploaded file (workbook or zip of CSVs) into one text frame per contract sheet.

Whatever the file, the result has the same shape: for each sheet of the contract,
a DataFrame of strings whose columns are machine names and whose index is the row
number the agency sees in its spreadsheet.  Headers are matched by machine name or
by English or French label; damaged, empty or foreign files become problems, never
exceptions.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

import numpy as np
import pandas as pd

from accueil.contract import Contract, Sheet, fold
from accueil.report import Problem, problem


@dataclass
class ParsedFile:
    sheets: dict[str, pd.DataFrame] = field(default_factory=dict)
    # Columns the contract does not know, kept only so the privacy screen can look at them.
    unknown: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def cell_text(value) -> str:
    """One spreadsheet cell as the text an agency typed: 12345677.0 -> '12345677', dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def read_upload(data: bytes, contract: Contract) -> ParsedFile:
    parsed = ParsedFile()
    if not data or not data.strip():
        parsed.problems.append(problem("file_empty"))
        return parsed
    if not data.startswith(b"PK"):
        parsed.problems.append(problem("file_unreadable", detail="it is neither .xlsx nor .zip"))
        return parsed
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        bad = archive.testzip()
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        parsed.problems.append(problem("file_unreadable", detail=f"the archive is damaged or truncated: {exc}"))
        return parsed
    if bad is not None:
        parsed.problems.append(problem("file_unreadable", detail=f"the archive member {bad} is damaged"))
        return parsed
    if "xl/workbook.xml" in names:
        tables = _xlsx_tables(data, parsed)
        header_rows, first_data = (1, 2), 3  # row 2 machine names, row 3 labels, data from row 4
    else:
        tables = _csv_tables(archive, parsed)
        header_rows, first_data = (0,), 1
    if tables is None:
        return parsed
    _match(tables, contract, parsed, header_rows, first_data)
    return parsed


def _xlsx_tables(data: bytes, parsed: ParsedFile) -> dict[str, list[list]] | None:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        parsed.problems.append(problem("file_unreadable", detail=f"the workbook is damaged: {exc}"))
        return None


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the ANSI code page, Windows-1252 in Canada;
        # some tools put a UTF-8 byte-order mark in front of it all the same.
        return raw.removeprefix(b"\xef\xbb\xbf").decode("cp1252", errors="replace")


def _csv_tables(archive: zipfile.ZipFile, parsed: ParsedFile) -> dict[str, list[list]] | None:
    tables: dict[str, list[list]] = {}
    for name in archive.namelist():
        if name.endswith("/") or name.startswith("__MACOSX") or not name.lower().endswith(".csv"):
            continue
        text = _decode(archive.read(name))
        first_line = text.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        tables[name.rsplit("/", 1)[-1][:-4]] = rows
    if not tables:
        parsed.problems.append(problem("file_unreadable", detail="the zip holds no .csv file"))
        return None
    return tables


def _match(tables: dict[str, list[list]], contract: Contract, parsed: ParsedFile, header_rows, first_data) -> None:
    by_name = {}
    for sheet in contract.sheets:
        by_name[fold(sheet.name)] = sheet
        by_name[fold(sheet.name_fr)] = sheet
    found: dict[str, tuple[Sheet, list[list]]] = {}
    for name, rows in tables.items():
        sheet = by_name.get(fold(name))
        if sheet is None:
            parsed.problems.append(problem("sheet_unknown", "warning", sheet=name))
            continue
        found[sheet.name] = (sheet, rows)
    for sheet in contract.sheets:
        if sheet.name not in found:
            parsed.problems.append(problem("sheet_missing", sheet=sheet.name))
            continue
        frame, unknown = _sheet_frame(sheet, found[sheet.name][1], parsed, header_rows, first_data)
        parsed.sheets[sheet.name] = frame
        if unknown is not None:
            parsed.unknown[sheet.name] = unknown


def _sheet_frame(sheet: Sheet, rows: list[list], parsed: ParsedFile, header_rows, first_data):
    spellings: dict[str, str] = {}
    for column in sheet.columns:
        for text in (column.name, column.label_en, column.label_fr):
            spellings[fold(text)] = column.name
    # Use whichever header row names more of the contract's columns.
    best, best_hits = [], -1
    for r in header_rows:
        header = [cell_text(v) for v in rows[r]] if r < len(rows) else []
        hits = sum(1 for h in header if fold(h) in spellings)
        if hits > best_hits:
            best, best_hits = header, hits
    data = [r for r in rows[first_data:]]
    width = max([len(best), *(len(r) for r in data)]) if data or best else 0
    header = best + [""] * (width - len(best))
    columns: dict[str, int] = {}
    unknown: dict[str, int] = {}
    for index, text in enumerate(header):
        if not text:
            continue
        name = spellings.get(fold(text))
        if name is None:
            unknown[text] = index
            parsed.problems.append(problem("column_unknown", "warning", sheet=sheet.name, column=text))
        elif name in columns:
            parsed.problems.append(problem("column_duplicate", sheet=sheet.name, column=name))
        else:
            columns[name] = index
    for column in sheet.columns:
        if column.name not in columns:
            rule, severity = ("column_missing", "error") if column.required else ("column_optional_missing", "warning")
            parsed.problems.append(problem(rule, severity, sheet=sheet.name, column=column.name, label=column.label_en))
    numbers, values = [], []
    offset = first_data + 1  # spreadsheet rows are numbered from 1
    for i, row in enumerate(data):
        # CSV cells are text already: only a workbook's need converting.
        texts = [v.strip() if type(v) is str else cell_text(v) for v in row] + [""] * (width - len(row))
        if any(texts):
            numbers.append(i + offset)
            values.append(texts)
    # Columns picked by position from one array, not selected one by one from a frame (see ingest.columns).
    table = np.array(values, dtype=object).reshape(len(values), width)
    index = pd.Index(numbers, name="row")
    blank = np.full(len(values), "", dtype=object)
    frame = pd.DataFrame(
        {c: table[:, columns[c]] if c in columns else blank for c in sheet.column_names}, index=index, dtype=object
    )
    extra = pd.DataFrame({text: table[:, i] for text, i in unknown.items()}, index=index, dtype=object)
    return frame, (extra if unknown else None)
