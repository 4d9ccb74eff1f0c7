"""Formula-safe CSV: every CSV Accueil writes for people goes through here.

Agency names, course codes, file names, user names typed at sign-in: text that someone
else chose reaches our exports, and a spreadsheet program runs a cell that starts with
``=``, ``+``, ``-`` or ``@`` (or with a tab or carriage return before one) as a formula.
OWASP's rule (https://owasp.org/www-community/attacks/CSV_Injection) is applied: such a
text cell gets a leading apostrophe, which spreadsheets read as "this is text"; the csv
module's standard quoting then takes care of embedded quotes, commas and line breaks.
"""

from __future__ import annotations

import csv
import numbers
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")

# A cell that is only a number, such as "-3.5" or "+1e3", is read back as that number and
# runs nothing, so it is left alone: a rejected value "-5" in a report stays "-5".
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """The value as a spreadsheet may safely read it: text that would start a formula gets a leading apostrophe.

    Numbers (including numpy's) and missing values are returned unchanged; so is text that
    already starts with an apostrophe, which a spreadsheet already reads as text.
    """
    if value is None or isinstance(value, numbers.Number):
        return value
    text = value if isinstance(value, str) else _as_text(value)
    if text is None or not text.startswith(DANGEROUS) or _PLAIN_NUMBER.fullmatch(text):
        return value
    return "'" + text


def _as_text(value: Any) -> str | None:
    import pandas as pd

    # What pandas and the csv module would write for it; pd.NA and NaT are written empty.
    try:
        if pd.isna(value) is True:
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def safe_frame(frame: pd.DataFrame, index: bool = False) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells, column labels (and, with ``index``, row labels) are neutralised.

    Numeric, boolean and datetime columns are kept as they are, so -3.5 stays a number.
    """
    from pandas.api import types

    def _safe_column(column: pd.Series) -> pd.Series:
        dtype = column.dtype
        if types.is_bool_dtype(dtype) or types.is_numeric_dtype(dtype) or types.is_datetime64_any_dtype(dtype):
            return column
        return column.map(neutralise)

    out = frame.copy()
    # By position, so that duplicate column labels keep their own values.
    for i in range(frame.shape[1]):
        out.isetitem(i, _safe_column(frame.iloc[:, i]))
    out = out.rename(columns=neutralise, index=neutralise if index else None)
    out.columns.names = [neutralise(name) for name in out.columns.names]
    if index:
        out.index.names = [neutralise(name) for name in out.index.names]
    return out


def frame_to_csv(frame: pd.DataFrame, index: bool = False) -> str:
    """``frame.to_csv`` with every cell that could start a formula neutralised, lines ended by CRLF."""
    # The csv module quotes a cell only for the characters of its line terminator: with
    # pandas' "\n", a bare carriage return stays unquoted, and a spreadsheet starts a new row
    # at it, so "x\r=cmd()" would put a formula at the start of a row.
    return safe_frame(frame, index=index).to_csv(index=index, lineterminator="\r\n")


class _Writer:
    def __init__(self, handle):
        # The default dialect ends lines with CRLF, so a cell holding either is quoted.
        self._writer = csv.writer(handle)

    def writerow(self, row: Iterable) -> Any:
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def writer(handle) -> _Writer:
    """``csv.writer(handle)`` whose rows are neutralised cell by cell; open the file with ``newline=""``."""
    return _Writer(handle)
