"""Read an agency's iCARE bulk-upload workbooks: which sheets, which columns, which rows.

The layout is IRCC's: row 1 a title, row 2 the machine names, row 3 the English
labels, data from row 4.  A column is recognised by its machine name (row 2, any
case) or, failing that, by its label (row 2 or 3, compared with ``fold``): iCARE's
own label, or the contract's English or French label.  Columns that nothing
recognises are kept aside by header so that the dry run can list them; they are
never read into the extract.  Blank rows and trailing empty columns are skipped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from accueil.anonymise.icare_labels import AMBIGUOUS, HELPER_SHEETS, ICARE_LABELS, wanted_columns
from accueil.contract import extract_contract, fold

FIRST_DATA_ROW = 4  # spreadsheet numbering
RECORD_ID = "record_id"


class InputError(ValueError):
    """An input file that cannot be read at all."""


@dataclass
class InputSheet:
    """One sheet of one input file, recognised as a sheet of the extract."""

    file: str
    name: str  # the contract's sheet name
    title: str  # the sheet's name in the workbook
    columns: dict[str, int]  # recognised machine name -> column index (first occurrence)
    dropped: list[str]  # headers of the columns that were not recognised
    duplicates: list[str]  # recognised names that appear again (the later copies are ignored)
    rows: list[tuple[int, list]]  # (spreadsheet row number, cells)

    def has(self, name: str) -> bool:
        return name in self.columns

    def cell(self, cells: list, name: str):
        index = self.columns.get(name)
        if index is None or index >= len(cells):
            return None
        return cells[index]


@dataclass
class InputWorkbook:
    path: Path
    sheets: list[InputSheet] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # sheets that are not part of the extract
    ignored: list[str] = field(default_factory=list)  # IRCC's helper sheets ("Options Sheet", ...)


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def header_text(value) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value).strip()


@cache
def _sheet_names() -> dict[str, str]:
    """Folded sheet name (English, French, Excel's 31-character cut) -> contract sheet name."""
    names = {}
    for sheet in extract_contract().sheets:
        for spelling in (sheet.name, sheet.name_fr, sheet.name[:31], sheet.name_fr[:31]):
            names[fold(spelling)] = sheet.name
    return names


@cache
def _known(sheet_name: str) -> tuple[dict[str, str], dict[str, str]]:
    """(lower-case machine name -> machine name, folded label -> machine name) for one sheet."""
    contract = extract_contract()
    sheet = contract.sheet(sheet_name)
    names = wanted_columns(sheet_name) | {RECORD_ID}
    by_lower = {n.lower(): n for n in names}

    candidates: dict[str, set[str]] = {}

    def add(label: str, name: str) -> None:
        if label:
            candidates.setdefault(fold(label), set()).add(name)

    # iCARE's labels of identifier columns are the same on every sheet that has them.
    for labels in ICARE_LABELS.values():
        for name, label in labels.items():
            if name in contract.direct_identifiers:
                add(label, name)
    for name, label in ICARE_LABELS.get(sheet_name, {}).items():
        add(label, name)
    for column in sheet.columns:
        add(column.label_en, column.name)
        add(column.label_fr, column.name)
    ambiguous = set(AMBIGUOUS.get(sheet_name, ()))
    by_label = {
        label: next(iter(found))
        for label, found in candidates.items()
        if len(found) == 1 and label not in ambiguous and label not in by_lower
    }
    return by_lower, by_label


def match_column(sheet_name: str, machine: str, label: str) -> str | None:
    """The machine name a column stands for, from its row-2 and row-3 headers, or None."""
    by_lower, by_label = _known(sheet_name)
    if machine.lower() in by_lower:
        return by_lower[machine.lower()]
    for text in (machine, label):
        name = by_label.get(fold(text)) if text else None
        if name:
            return name
    return None


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_workbook(path: Path) -> InputWorkbook:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        titles = list(book.sheet_names)
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise InputError(f"{path.name}: {exc}") from exc
    result = InputWorkbook(path)
    for title in titles:
        name = _sheet_names().get(fold(title))
        if name is None:
            (result.ignored if title in HELPER_SHEETS else result.unknown).append(title)
            continue
        try:
            data = book.get_sheet_by_name(title).to_python(skip_empty_area=False)
        except Exception as exc:
            raise InputError(f"{path.name}, sheet {title}: {exc}") from exc
        result.sheets.append(_sheet(path.name, name, title, data))
    return result


def _sheet(file: str, name: str, title: str, data: list[list]) -> InputSheet:
    machines = [header_text(v) for v in (data[1] if len(data) > 1 else [])]
    labels = [header_text(v) for v in (data[2] if len(data) > 2 else [])]
    body = [
        (number, list(cells))
        for number, cells in enumerate(data[FIRST_DATA_ROW - 1 :], start=FIRST_DATA_ROW)
        if not all(is_blank(v) for v in cells)
    ]
    width = max([len(machines), len(labels), *(len(c) for _, c in body)], default=0)
    columns: dict[str, int] = {}
    dropped: list[str] = []
    duplicates: list[str] = []
    for index in range(width):
        machine = machines[index] if index < len(machines) else ""
        label = labels[index] if index < len(labels) else ""
        matched = match_column(name, machine, label)
        if matched is None:
            has_data = any(index < len(c) and not is_blank(c[index]) for _, c in body)
            if machine or label or has_data:
                dropped.append(machine or label or f"column {column_letter(index)}")
        elif matched in columns:
            duplicates.append(matched)
        else:
            columns[matched] = index
    return InputSheet(file, name, title, columns, dropped, duplicates, body)
