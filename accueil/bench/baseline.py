"""Run the hand-written DuckDB baseline (baseline.sql) on the same raw extracts as the pipeline.

The extracts are zips of CSVs (`accueil generate --format zip`).  DuckDB reads CSV but not
inside a zip (its zipfs extension cannot be downloaded here), so the baseline unzips them
first, and that unzipping is part of its time: both sides start from the same files.
"""

from __future__ import annotations

import shutil
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from accueil import config

SCRIPT = Path(__file__).with_name("baseline.sql")


@dataclass
class BaselineResult:
    seconds: float
    unzip_s: float
    sql_s: float
    outputs: pd.DataFrame
    outcomes: pd.DataFrame


def _sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def run_baseline(extracts: list[Path], work: Path) -> BaselineResult:
    shutil.rmtree(work, ignore_errors=True)
    csv_dir = work / "csv"
    started = time.perf_counter()
    for path in extracts:
        with zipfile.ZipFile(path) as archive:
            archive.extractall(csv_dir / path.stem)
    unzipped = time.perf_counter()
    # A file, like the pipeline's warehouse, so that both pay for writing their tables.
    with duckdb.connect(str(work / "baseline.duckdb")) as con:
        con.execute(f"set variable csv_dir = {_sql_literal(str(csv_dir))}")
        con.execute(f"set variable seeds_dir = {_sql_literal(str(config.REPO_ROOT / 'seeds'))}")
        con.execute(SCRIPT.read_text(encoding="utf-8"))
        finished = time.perf_counter()
        outputs = con.execute("select * from baseline_outputs").df()
        outcomes = con.execute("select * from baseline_outcomes").df()
    return BaselineResult(finished - started, unzipped - started, finished - unzipped, outputs, outcomes)
