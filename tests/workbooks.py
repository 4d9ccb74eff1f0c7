"""Make bad and variant files from a good generated extract, for the ingestion tests."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import xlsxwriter
from python_calamine import CalamineWorkbook

Rows = dict[str, list[list]]


def read_rows(path: Path) -> Rows:
    book = CalamineWorkbook.from_path(str(path))
    return {name: [list(r) for r in book.get_sheet_by_name(name).to_python()] for name in book.sheet_names}


def write_rows(path: Path, sheets: Rows, as_text: bool = False) -> Path:
    """The rows as a workbook.  `as_text` keeps every string a text cell, as a spreadsheet keeps text
    typed behind an apostrophe: never a formula, a number or a link."""
    options = {"strings_to_formulas": False, "strings_to_numbers": False} if as_text else {}
    book = xlsxwriter.Workbook(str(path), options)
    for name, rows in sheets.items():
        ws = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if as_text and isinstance(value, str) and value:
                    ws.write_string(r, c, value)
                elif value not in ("", None):
                    ws.write(r, c, value)
    book.close()
    return path


def mutate(source: Path, target: Path, change: Callable[[Rows], None]) -> Path:
    rows = read_rows(source)
    change(rows)
    return write_rows(target, rows)


def column(rows: Rows, sheet: str, name: str) -> int:
    return rows[sheet][1].index(name)


def set_cell(rows: Rows, sheet: str, name: str, data_index: int, value) -> int:
    """Set the value of the data row `data_index` (0 = spreadsheet row 4); returns the spreadsheet row."""
    rows[sheet][3 + data_index][column(rows, sheet, name)] = value
    return 4 + data_index


def csv_zip(
    source: Path,
    target: Path,
    *,
    header: str = "machine",
    delimiter: str = ",",
    encoding: str = "utf-8",
    bom: bool = False,
    labels: dict[str, dict[str, str]] | None = None,
) -> Path:
    """The zip-of-CSVs form of a workbook: header row of machine names, or of the labels given."""
    with zipfile.ZipFile(target, "w") as archive:
        for name, rows in read_rows(source).items():
            buffer = io.StringIO()
            writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
            machine = [str(h) for h in rows[1]]
            head = [labels[name].get(h, h) for h in machine] if header == "labels" and labels else machine
            writer.writerow(head)
            for row in rows[3:]:
                writer.writerow([_text(v) for v in row])
            data = buffer.getvalue().encode(encoding)
            archive.writestr(f"{name}.csv", (b"\xef\xbb\xbf" if bom else b"") + data)
    return target


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)
