"""Write and read files in the contract's layout: an iCARE-style workbook or a zip of CSVs.

Writing is used by the generator (and later the anonymiser); reading is used by the
validator and by tests.  Both take the contract as the description of the layout.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

import xlsxwriter

from accueil.contract import Contract, Sheet

# A fixed creation time and zip timestamps make a file depend only on its content,
# so that the same seed gives byte-identical extracts.
FIXED_CREATED = datetime(2020, 1, 1)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def write_workbook(path: Path, contract: Contract, rows: dict[str, Iterable[Sequence]], title: str) -> None:
    """One sheet per contract sheet, in contract order: title, machine names, labels, data."""
    workbook = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    workbook.set_properties({"title": title, "author": "Accueil", "created": FIXED_CREATED})
    bold = workbook.add_format({"bold": True})
    for sheet in contract.sheets:
        ws = workbook.add_worksheet(sheet.name[:31])
        ws.write_row(0, 0, [f"{title} - {sheet.name} / {sheet.name_fr}"], bold)
        ws.write_row(1, 0, sheet.column_names)
        ws.write_row(2, 0, [c.label_en for c in sheet.columns], bold)
        for r, row in enumerate(rows.get(sheet.name, ()), start=3):
            for col, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    ws.write_string(r, col, value)
                else:
                    ws.write_number(r, col, value)
    workbook.close()


def write_csv_zip(path: Path, contract: Contract, rows: dict[str, Iterable[Sequence]]) -> None:
    """The same extract as one CSV per sheet, header = machine names."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for sheet in contract.sheets:
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(sheet.column_names)
            for row in rows.get(sheet.name, ()):
                writer.writerow(["" if v is None else _text(v) for v in row])
            info = zipfile.ZipInfo(sheet.csv_name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue().encode("utf-8"))


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_sheet_rows(path: Path, sheet: Sheet) -> tuple[list[str], list[list]]:
    """Machine-name header and data rows of one sheet of a workbook in the contract layout.

    Tests and the generator's own checks use this; the validator has its own reader
    that copes with labels, French headers and damaged files.
    """
    from python_calamine import CalamineWorkbook

    data = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet.name[:31]).to_python()
    header = [str(h).strip() for h in data[1]]
    return header, [list(r) for r in data[3:] if any(str(v).strip() for v in r)]
