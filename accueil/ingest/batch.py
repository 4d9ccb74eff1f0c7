"""Submit a folder of extracts named {AGENCY}_{YYYY}Q{n}.xlsx (or .zip) through the usual door.

Validation is CPU-bound and mostly Great Expectations' fixed cost per sheet, so files
are validated in a few worker processes; each one registers its own upload (the
register is SQLite, which serialises the writes).
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from accueil.ingest.submit import submit_extract
from accueil.quarters import Quarter

EXTRACT_NAME = re.compile(r"^(?P<agency>[A-Za-z0-9-]{2,12})_(?P<quarter>\d{4}Q[1-4])\.(xlsx|zip)$")


def _submit(path: str, user: str) -> tuple[str, str, bool]:
    match = EXTRACT_NAME.match(Path(path).name)
    submission = submit_extract(Path(path), match["agency"], Quarter.parse(match["quarter"]), user)
    return Path(path).name, submission.upload.status, submission.duplicate


def extract_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and EXTRACT_NAME.match(p.name))


def submit_folder(
    folder: Path, user: str, jobs: int | None = None, progress: Callable[[int, int], None] | None = None
) -> list[tuple[str, str, bool]]:
    """(file name, status, duplicate) for every extract of the folder, in file-name order."""
    files = extract_files(folder)
    jobs = jobs or min(len(files), os.cpu_count() or 1) or 1
    results = []
    if jobs == 1:
        for done, path in enumerate(files, start=1):
            results.append(_submit(str(path), user))
            if progress:
                progress(done, len(files))
        return results
    # spawn, not fork: the parent may hold DuckDB and GX threads that a fork would copy mid-flight.
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(_submit, str(path), user) for path in files]
        for done, future in enumerate(as_completed(futures), start=1):
            results.append(future.result())
            if progress:
                progress(done, len(files))
    return sorted(results)
