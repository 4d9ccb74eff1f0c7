"""The long form Great Expectations validates: one row per cell of a sheet, and one per row's key.

Each check reads its own column of the long frame, null where the check does not apply
(accueil.ingest.expectations builds the suite).  `cells` holds every cell, keeping its file,
sheet, row and column, for the list of a failing batch's cells; `distinct_cells` holds each
column's distinct texts over the batch once, and every row's key, for asking whether the
batch passes at all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from accueil.contract import TYPE_PATTERNS, Column, Sheet
from accueil.ingest.columns import batch_columns

MAX_LENGTH = {"record_id": 64, "course_code": 40, "text": 500}


def kind(column: Column) -> str | None:
    """Which pattern a column's cells are checked against, if any."""
    if column.pattern:
        return f"pattern:{column.name}"
    return column.type if column.type in TYPE_PATTERNS else None


# The long frame's columns: text ones are null where a check does not apply, numeric ones NaN.
TEXT_COLUMNS = ("sheet", "column", "value", "required_value", "coded", "typed_value", "key")
NUMBER_COLUMNS = ("number", "minimum", "maximum", "length", "max_length")


def cells(sheet: Sheet, frames: dict[int, pd.DataFrame]) -> pd.DataFrame:
    """The sheet in long form: one row per cell, plus one `key` cell per row for uniqueness.

    `frames` holds this sheet of each file validated together, by the file's number.  The
    files' rows are put end to end first, so that each step below is paid once per
    column of the batch rather than once per column of every file.
    """
    texts, rows, files = batch_columns(sheet.column_names, frames)
    parts = [(_cell_checks(column, texts[column.name]), files, rows) for column in sheet.columns]
    return _long_frame(sheet, [*parts, (_key_checks(sheet, texts, files), files, rows)])


def distinct_cells(sheet: Sheet, frames: dict[int, pd.DataFrame]) -> pd.DataFrame:
    """`cells` with each column's distinct texts over the batch once, not once per cell (their file
    and row -1), and every row's key cell.

    Every check but uniqueness reads one cell's text and its column's settings, so a batch passes
    on this frame exactly when it passes on `cells`; codes, dates and numbers repeat from row to
    row and file to file, so it is a fraction of the size."""
    texts, rows, files = batch_columns(sheet.column_names, frames)
    parts = []
    for column in sheet.columns:
        distinct = pd.unique(texts[column.name])
        nowhere = np.full(len(distinct), -1, dtype="int64")
        parts.append((_cell_checks(column, distinct), nowhere, nowhere))
    return _long_frame(sheet, [*parts, (_key_checks(sheet, texts, files), files, rows)])


def _cell_checks(column: Column, text: np.ndarray) -> dict:
    """The long frame's columns for these cells of one sheet column."""
    n = len(text)
    blank = text == ""
    value = np.where(blank, None, text)
    # Not-required cells hold a placeholder, so that only required blanks are null.
    part = {"column": column.name, "value": value, "required_value": value if column.required else "-"}
    if column.codelist:
        part["coded"] = np.where(blank, None, column.codelist + "|" + text)
    if kind(column):
        part["typed_value"] = np.where(blank, None, kind(column) + ":" + text)
    if column.type in ("integer", "decimal"):
        # object, not pandas' default string dtype: converting to Arrow first costs more than parsing.
        part["number"] = pd.to_numeric(pd.Series(text, dtype=object), errors="coerce").to_numpy(dtype=float)
        part["minimum"] = np.nan if column.min is None else column.min
        part["maximum"] = np.nan if column.max is None else column.max
    limit = column.max_length or MAX_LENGTH.get(column.type)
    if limit:
        part["length"] = np.where(blank, np.nan, np.fromiter(map(len, text), dtype=float, count=n))
        part["max_length"] = limit
    return part


def _key_checks(sheet: Sheet, texts: dict[str, np.ndarray], files: np.ndarray) -> dict:
    """The long frame's columns for each row's key."""
    keys = [texts[name] for name in sheet.unique]
    key = (
        np.array([" | ".join(parts) for parts in zip(*keys, strict=True)], dtype=object)
        if len(files)
        else np.array([], dtype=object)
    )
    # Keys are unique within their file and sheet, so both are part of the key.
    return {
        "column": ", ".join(sheet.unique),
        "value": key,
        "required_value": "-",
        "key": np.array([f"{f}\x1f{sheet.name}\x1f{k}" for f, k in zip(files, key, strict=True)], dtype=object),
    }


def _long_frame(sheet: Sheet, parts: list[tuple[dict, np.ndarray, np.ndarray]]) -> pd.DataFrame:
    """The parts (checks, file numbers, row numbers) end to end, as one frame.

    Each long column is allocated once and filled a part at a time, constants by
    broadcasting: assembling a DataFrame per sheet column and concatenating frames with
    different columns cost more than GX itself."""
    total = sum(len(files) for _, files, _ in parts)
    long = {
        "file": np.concatenate([files for _, files, _ in parts]),
        "row": np.concatenate([rows for _, _, rows in parts]),
        "sheet": np.full(total, sheet.name, dtype=object),
    }
    long |= {name: np.full(total, None, dtype=object) for name in TEXT_COLUMNS if name != "sheet"}
    long |= {name: np.full(total, np.nan) for name in NUMBER_COLUMNS}
    offset = 0
    for part, files, _ in parts:
        for name, values in part.items():
            long[name][offset : offset + len(files)] = values
        offset += len(files)
    # As object: pandas would otherwise copy every all-text column into Arrow strings.
    return pd.DataFrame({name: pd.Series(values, dtype=values.dtype, copy=False) for name, values in long.items()})
