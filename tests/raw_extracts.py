"""Read a generated region straight from the files, with python-calamine and pandas only.

Deliberately independent of Accueil's own readers: the tests compare what the
files say with what the generator claims to have planted.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
from python_calamine import CalamineWorkbook

# The service streams of the Programs and Site services sheets: label as written -> stream code.
STREAMS = {
    "Needs assessment and referrals": "needs_assessment",
    "Information and orientation": "information_orientation",
    "Employment-related services": "employment",
    "Community connections": "community_connections",
    "Language training": "language_training",
    "Language assessment": "language_assessment",
}


def read_workbook(path: Path) -> dict[str, pd.DataFrame]:
    """Sheet name -> data frame with the machine names (row 2) as columns, data from row 4."""
    book = CalamineWorkbook.from_path(str(path))
    frames = {}
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python()
        header = [str(h) for h in rows[1]]
        data = [r + [""] * (len(header) - len(r)) for r in rows[3:]]
        frames[name] = pd.DataFrame(data, columns=header, dtype=object)
    return frames


@cache
def read_region(folder: str) -> dict[str, pd.DataFrame]:
    """Every extract of a region concatenated per sheet, with `agency` and `quarter` from the file name."""
    parts: dict[str, list[pd.DataFrame]] = {}
    for path in sorted(Path(folder).glob("AG*_*.xlsx")):
        agency, quarter = path.stem.split("_")
        for name, frame in read_workbook(path).items():
            parts.setdefault(name, []).append(frame.assign(agency=agency, quarter=quarter))
    return {name: pd.concat(frames, ignore_index=True) for name, frames in parts.items()}
