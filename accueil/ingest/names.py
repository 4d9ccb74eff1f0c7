"""The names that come with an upload, checked before they reach a path, a query or a report.

An agency code and a quarter are parts of report and folder names, and an upload id of
the staging folder: each must have its contract form, or nothing is received.  A file
name is only shown (register, reports): it is kept as a base name with its invisible
characters made visible, never refused, since it says nothing about the data.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePath

from accueil import config
from accueil.contract import INVISIBLE, TYPE_PATTERNS
from accueil.quarters import Quarter

_AGENCY_CODE = re.compile(TYPE_PATTERNS["agency_code"])
# The agency code as file names spell it: `ag001_2025Q3.xlsx` is AG001's.
AGENCY_IN_FILE_NAME = r"[A-Za-z0-9][A-Za-z0-9-]{1,11}"
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
MAX_FILE_NAME = 200


class InvalidName(ValueError):
    """A name that is not what it claims to be: nothing was received."""


def agency_code(text: str) -> str:
    code = str(text).strip().upper()
    if not _AGENCY_CODE.fullmatch(code):
        raise InvalidName(
            f"{str(text)!r} is not an agency code: an agency code is 2 to 12 letters, digits or hyphens, "
            "beginning with a letter or a digit (for example AG001)."
        )
    return code


def quarter(value: Quarter | str) -> Quarter:
    if isinstance(value, Quarter):
        return value
    try:
        return Quarter.parse(value)
    except ValueError as exc:
        raise InvalidName(str(exc)) from None


def upload_id(value: int | str) -> int:
    text = str(value)
    if isinstance(value, bool) or not text.isascii() or not text.isdigit() or not 0 < int(text) < 2**63:
        raise InvalidName(f"{text!r} is not an upload number: give the number `accueil uploads` shows.")
    return int(text)


def file_name(name: str) -> str:
    """The file's own name for the register and the reports: no folder, nothing invisible, not too long."""
    base = PurePath(str(name).replace("\\", "/")).name or "upload"
    shown = _INVISIBLE.sub("\N{REPLACEMENT CHARACTER}", base)
    return shown if len(shown) <= MAX_FILE_NAME else shown[: MAX_FILE_NAME - 1] + "…"


def visible(text: str) -> str:
    """Invisible characters written as their code points, so a report shows what a cell holds."""
    return _INVISIBLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def invisible_found(text: str) -> str:
    """The code points of the invisible characters of a text, e.g. 'U+0009, U+202E'."""
    return ", ".join(dict.fromkeys(f"U+{ord(c):04X}" for c in _INVISIBLE.findall(text)))


def report_paths(number: int, kind: str, agency: str, period: str) -> tuple[Path, Path]:
    """An upload's report files (HTML, CSV), named from its checked number, agency and quarter."""
    who = agency_code(agency) if agency else "all"
    when = quarter(period) if period else "ref"
    stem = f"{upload_id(number):06d}_{kind}_{who}_{when}"
    folder = config.reports_dir()
    return folder / f"{stem}.html", folder / f"{stem}.csv"
