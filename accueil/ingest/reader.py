"""Read an uploaded file (workbook or zip of CSVs) into one text frame per contract sheet.

The file is opened, checked against the contract's limits and read in a worker process
(accueil.ingest.door, accueil.ingest.sandbox); here its rows are matched to the contract.
Whatever the file, the result has the same shape: for each sheet of the contract, a
DataFrame of strings whose columns are machine names and whose index is the row number
the agency sees in its spreadsheet.  Headers are matched by machine name or by English or
French label; damaged, empty, foreign or oversized files become problems, never exceptions.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from accueil.contract import Contract, Sheet, fold
from accueil.ingest.door import cell_text
from accueil.ingest.sandbox import read_bounded
from accueil.report import Problem, problem


@dataclass
class ParsedFile:
    sheets: dict[str, pd.DataFrame] = field(default_factory=dict)
    # Columns the contract does not know, kept only so the privacy screen can look at them.
    unknown: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    read_seconds: float = 0.0  # the worker's wall time, start included
    peak_rss_bytes: int = 0  # the worker's peak memory


def read_upload(data: bytes, contract: Contract) -> ParsedFile:
    """The file read in a worker under the contract's limits (accueil.ingest.sandbox), then matched to it."""
    started = time.perf_counter()
    raw = read_bounded(data, contract.limits)
    parsed = ParsedFile(problems=list(raw.problems), peak_rss_bytes=raw.peak_rss_bytes)
    if raw.tables is not None:
        # A workbook has a title, machine names, then labels; a CSV its one header row.
        header_rows, first_data = ((1, 2), 3) if raw.layout == "xlsx" else ((0,), 1)
        _match(raw.tables, contract, parsed, header_rows, first_data)
    parsed.read_seconds = time.perf_counter() - started
    return parsed


def _match(tables: dict[str, list[list[str]]], contract: Contract, parsed: ParsedFile, header_rows, first_data) -> None:
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
        texts = row + [""] * (width - len(row))  # text already (door.cell_text)
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
