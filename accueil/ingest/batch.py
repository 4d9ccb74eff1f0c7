"""Submit a folder of extracts named {AGENCY}_{YYYY}Q{n}.xlsx (or .zip) through the usual door.

Validation is CPU-bound and a good part of it is Great Expectations' fixed cost per
run, so files are validated in batches (one GX run per batch) by a few worker
processes; each file is still received, decided and reported on its own (the register
is SQLite, which serialises the writes).
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from accueil.ingest.names import AGENCY_IN_FILE_NAME
from accueil.ingest.submit import submit_extracts
from accueil.quarters import Quarter

# Files per GX run: enough to spread its fixed cost thin, few enough to bound a worker's memory.
# The 16 largest national extracts (6.6 MB) in one batch peak at 0.6 GB, passing or one of them
# failing (only failing files are taken cell by cell: accueil.ingest.expectations), and at 1.7 GB
# all failing; every cell of every file, as before, took 1.9 GB.  32 files a batch saved about a
# sixth of validation's time in one process.
BATCH_FILES = 16

EXTRACT_NAME = re.compile(rf"^(?P<agency>{AGENCY_IN_FILE_NAME})_(?P<quarter>\d{{4}}Q[1-4])\.(xlsx|zip)$")


def _submit(paths: list[str], user: str) -> list[tuple[str, str, bool]]:
    items = []
    for path in paths:
        match = EXTRACT_NAME.match(Path(path).name)
        items.append((Path(path), match["agency"], Quarter.parse(match["quarter"])))
    submissions = submit_extracts(items, user)
    return [(path.name, s.upload.status, s.duplicate) for (path, _, _), s in zip(items, submissions, strict=True)]


def extract_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and EXTRACT_NAME.match(p.name))


def submit_folder(
    folder: Path, user: str, jobs: int | None = None, progress: Callable[[int, int], None] | None = None
) -> list[tuple[str, str, bool]]:
    """(file name, status, duplicate) for every extract of the folder, in file-name order."""
    files = extract_files(folder)
    jobs = jobs or min(len(files), os.cpu_count() or 1) or 1
    # Batches no larger than an even share per worker, so every worker has work.
    size = max(1, min(BATCH_FILES, -(-len(files) // jobs)))
    batches = [[str(p) for p in files[i : i + size]] for i in range(0, len(files), size)]
    results: list[tuple[str, str, bool]] = []
    if jobs == 1:
        for batch in batches:
            results += _submit(batch, user)
            if progress:
                progress(len(results), len(files))
        return results
    # spawn, not fork: the parent may hold DuckDB and GX threads that a fork would copy mid-flight.
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(_submit, batch, user) for batch in batches]
        for future in as_completed(futures):
            results += future.result()
            if progress:
                progress(len(results), len(files))
    return sorted(results)


def submit_folder_with_bar(folder: Path, user: str, jobs: int | None = None) -> list[tuple[str, str, bool]]:
    """`submit_folder` with a bar of the files validated, drawn on a terminal only (tqdm's
    disable=None): minutes of validation for the demo and the benchmark's larger scales."""
    from tqdm import tqdm

    with tqdm(total=len(extract_files(folder)), unit="file", desc="validating extracts", disable=None) as bar:
        return submit_folder(folder, user, jobs, progress=lambda done, total: bar.update(done - bar.n))
