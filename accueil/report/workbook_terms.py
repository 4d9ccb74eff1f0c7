"""How a report names what the clerk sees in the workbook: a column by its label, a code list by its values.

The iCARE workbook shows each column's label (row 1 of a sheet) above its machine name, and its
drop-downs offer the code list's labels: a report that names `speaking_CLB_level_id` or quotes three
sample values sends the clerk looking.  These are also what the dashboards' help page lists.
"""

from __future__ import annotations

import re
from functools import cache

from accueil.contract import Column, agencies_contract, code_lists, extract_contract

# A code list longer than this is summarised (its size and first values), with the help page to see it all.
LISTED_VALUES = 25
SAMPLE_VALUES = 6


@cache
def _columns() -> dict[tuple[str, str], Column]:
    found: dict[tuple[str, str], Column] = {}
    for contract in (agencies_contract(), extract_contract()):
        for sheet in contract.sheets:
            for column in sheet.columns:
                found[(sheet.name, column.name)] = column
    return found


def column_for(sheet: str | None, name: str | None) -> Column | None:
    if not sheet or not name:
        return None
    return _columns().get((sheet, name))


def column_label(sheet: str | None, name: str | None, lang: str) -> str:
    """The column's label in the workbook (in the report's language), else its name as given."""
    column = column_for(sheet, name)
    if column is None:
        return name or ""
    return column.label_fr if lang == "fr" else column.label_en


def _runs(labels: list[str], lang: str) -> list[str]:
    """Consecutive whole numbers as one range: 1, 2, ..., 12 -> "1 to 12" ("1 à 12")."""
    out: list[str] = []
    run: list[int] = []

    def flush() -> None:
        if len(run) >= 3:
            out.append(f"{run[0]} {'à' if lang == 'fr' else 'to'} {run[-1]}")
        else:
            out.extend(str(n) for n in run)
        run.clear()

    for label in labels:
        if re.fullmatch(r"\d{1,3}", label) and (not run or int(label) == run[-1] + 1):
            run.append(int(label))
            continue
        flush()
        if re.fullmatch(r"\d{1,3}", label):
            run.append(int(label))
        else:
            out.append(label)
    flush()
    return out


def valid_values(codelist: str, lang: str) -> str:
    """Every value a code list accepts, as the workbook's drop-down shows them in the report's language
    (a run of numbers as a range); a long list by its size and first values."""
    values = code_lists()[codelist].values
    labels = [v.label_fr if lang == "fr" else v.label_en for v in values]
    if len(labels) > LISTED_VALUES:
        sample = ", ".join(labels[:SAMPLE_VALUES])
        return f"{len(labels)} valeurs ({sample}, …)" if lang == "fr" else f"{len(labels)} values ({sample}, …)"
    return ", ".join(_runs(labels, lang))
