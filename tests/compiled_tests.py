"""The SQL dbt would run for one data test, compiled against a home's warehouse: how the tests see
which rows a build's data tests read (warehouse/macros/tests_on_changed_rows.sql)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from accueil import config


def compiled_test(home: Path, target: Path, selector: str, *flags: str) -> str:
    env = {**os.environ, "ACCUEIL_WAREHOUSE": str(home / "warehouse.duckdb"), "DBT_TARGET_PATH": str(target)}
    warehouse = config.REPO_ROOT / "warehouse"
    dbt = Path(sys.executable).parent / "dbt"
    command = [dbt, "compile", "--quiet", "--select", selector, "--profiles-dir", warehouse, *flags]
    subprocess.run(command, cwd=warehouse, env=env, check=True, capture_output=True)
    (compiled,) = target.glob(f"compiled/**/{selector}.sql")
    return compiled.read_text()
