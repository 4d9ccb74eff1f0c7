"""Read an uploaded file (workbook or zip of CSVs) into one text frame per contract sheet.

The file is opened, checked against the contract's limits and read in a worker process
(accueil.ingest.door, accueil.ingest.sandbox); here its rows are matched to the contract.
Whatever the file, the result has the same shape: for each sheet of the contract, a
DataFrame of strings whose columns are machine names and whose index is the row number
the agency sees in its spreadsheet.  Headers are matched by machine name or by English or
French label; damaged, empty, foreign or oversized files become problems, never exceptions.

A sheet the contract does not have refuses the file, whatever it holds; and every cell of
every sheet, known or not, title and header rows and unnamed columns included, is kept as a
`Grid` for the screens that read them all (privacy, control characters).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from accueil.contract import Contract, Sheet, fold
from accueil.ingest.columns import text_frame
from accueil.ingest.door import cell_text
from accueil.ingest.names import visible
from accueil.ingest.sandbox import read_bounded
from accueil.report import Problem, problem


@dataclass
class Grid:
    """Every cell of a sheet as read: row i is the spreadsheet's row i + 1; `labels` names each column
    as reports do (its machine name, else its header, else its letter)."""

    labels: list[str]
    cells: np.ndarray  # 2-D, of str


def grid_texts(grids: list[tuple[str, Grid]]) -> set[str]:
    """Every distinct text of the grids, blanks included: a file repeats its values, so the screens
    (accueil.ingest.privacy, accueil.ingest.characters) look at each once."""
    texts: set[str] = set()
    for _, grid in grids:
        texts.update(grid.cells.ravel().tolist())
    return texts


@dataclass
class ParsedFile:
    sheets: dict[str, pd.DataFrame] = field(default_factory=dict)
    # The headers of the columns the contract does not know, by sheet, for the privacy screen.
    unknown: dict[str, list[str]] = field(default_factory=dict)
    # Every sheet of the file, the contract's and any other, cell by cell: (its name as reports show it, grid).
    grids: list[tuple[str, Grid]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    read_seconds: float = 0.0  # the worker's wall time, start included
    peak_rss_bytes: int = 0  # the worker's peak memory
    contract: Contract | None = None  # the version of the contract the file was read as


def read_upload(data: bytes, contract: Contract, older: tuple[Contract, ...] = ()) -> ParsedFile:
    """The file read in a worker under the contract's limits (accueil.ingest.sandbox), then matched to it,
    or to the first of the `older` versions whose sheets it has when it lacks some of the contract's
    (`parsed.contract` says which)."""
    started = time.perf_counter()
    raw = read_bounded(data, contract.limits)
    parsed = ParsedFile(problems=list(raw.problems), peak_rss_bytes=raw.peak_rss_bytes, contract=contract)
    if raw.tables is not None:
        contract = parsed.contract = _version(raw.tables, contract, older)
        # A workbook has a title, machine names, then labels; a CSV its one header row.
        header_rows, first_data = ((1, 2), 3) if raw.layout == "xlsx" else ((0,), 1)
        parsed.problems += [problem("sheet_extra", sheet=visible(name)) for name in raw.others]
        _match(raw.tables, contract, parsed, header_rows, first_data)
    parsed.read_seconds = time.perf_counter() - started
    return parsed


def _version(tables: dict[str, list[list[str]]], contract: Contract, older: tuple[Contract, ...]) -> Contract:
    names = {fold(name) for name in tables}

    def complete(candidate: Contract) -> bool:
        return all(fold(s.name) in names or fold(s.name_fr) in names for s in candidate.sheets)

    return next((c for c in (contract, *older) if complete(c)), contract)


def _match(tables: dict[str, list[list[str]]], contract: Contract, parsed: ParsedFile, header_rows, first_data) -> None:
    by_name = {}
    for sheet in contract.sheets:
        by_name[fold(sheet.name)] = sheet
        by_name[fold(sheet.name_fr)] = sheet
    found: dict[str, tuple[Sheet, list[list]]] = {}
    for name, rows in tables.items():
        sheet = by_name.get(fold(name))
        if sheet is None or sheet.name in found:
            # Not read as data, but every cell of it is screened all the same.
            parsed.problems.append(problem("sheet_extra", sheet=visible(name)))
            cells = _grid(rows)
            parsed.grids.append((visible(name), Grid([_letters(i) for i in range(cells.shape[1])], cells)))
            continue
        found[sheet.name] = (sheet, rows)
    for sheet in contract.sheets:
        if sheet.name not in found:
            parsed.problems.append(problem("sheet_missing", sheet=sheet.name))
            continue
        _sheet_frame(sheet, found[sheet.name][1], parsed, header_rows, first_data)


def _grid(rows: list[list[str]]) -> np.ndarray:
    """The rows as one 2-D array of texts, short rows padded with blanks."""
    width = max((len(r) for r in rows), default=0)
    padded = [r if len(r) == width else r + [""] * (width - len(r)) for r in rows]
    return np.array(padded, dtype=object).reshape(len(rows), width)


def _letters(index: int) -> str:
    """A spreadsheet's name of the column at `index` (0 -> A, 26 -> AA)."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _sheet_frame(sheet: Sheet, rows: list[list], parsed: ParsedFile, header_rows, first_data) -> None:
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
    cells = _grid(rows)
    width = max(cells.shape[1], len(best))
    if width > cells.shape[1]:
        cells = np.concatenate([cells, np.full((len(rows), width - cells.shape[1]), "", dtype=object)], axis=1)
    header = best + [""] * (width - len(best))
    columns: dict[str, int] = {}
    labels = [_letters(i) for i in range(width)]
    unknown: list[str] = []
    for index, text in enumerate(header):
        if not text:
            continue
        name = spellings.get(fold(text))
        labels[index] = name or visible(text)
        if name is None:
            unknown.append(text)
            parsed.problems.append(problem("column_unknown", "warning", sheet=sheet.name, column=visible(text)))
        elif name in columns:
            parsed.problems.append(problem("column_duplicate", sheet=sheet.name, column=name))
        else:
            columns[name] = index
    for column in sheet.columns:
        if column.name not in columns:
            rule, severity = ("column_missing", "error") if column.required else ("column_optional_missing", "warning")
            parsed.problems.append(problem(rule, severity, sheet=sheet.name, column=column.name, label=column.label_en))
    # Data rows with at least one cell filled; spreadsheet rows are numbered from 1.
    data = cells[first_data:]
    filled = (data != "").any(axis=1) if width else np.zeros(len(data), dtype=bool)
    table = data[filled]
    index = pd.Index(np.flatnonzero(filled) + first_data + 1, name="row")
    parsed.sheets[sheet.name] = text_frame(
        table, sheet.column_names, index, [columns.get(c) for c in sheet.column_names]
    )
    parsed.grids.append((sheet.name, Grid(labels, cells)))
    if unknown:
        parsed.unknown[sheet.name] = unknown
