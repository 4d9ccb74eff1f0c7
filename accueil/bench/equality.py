"""The incremental build's marts against a full rebuild's, row for row, in the same run.

After the incremental builds, the bench home is copied to a scratch folder (the warehouse,
the control database, Dagster's storage, dbt's kept parse; not the uploaded files, which a
build with nothing waiting does not read, nor what publishing writes), the copy is rebuilt
as `accueil build --full-refresh --no-publish` rebuilds (`run_build(full_refresh=True,
publish=False)`, with its progress bars on a terminal), and every table of the `marts` schema of
the two warehouses is compared with `except all` both ways (rows as a multiset, duplicates
counted), on a DuckDB connection that attaches both read-only.

No column is left out: the marts hold no time of the build.  `loaded_at` (fct_extract_loads,
the indicator marts) is when an upload was loaded, read from the load records (`raw.loads`,
`indicators.indicator_loads`), which the copy shares with the home; upload ids are the same
for the same reason.  Floating-point columns are
compared rounded to FLOAT_DECIMALS places: DuckDB may add doubles in another order from one
build to the next, on several threads.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import duckdb

from accueil import config
from accueil.bench.failure import BenchFailed
from accueil.sql_text import identifier, literal

SCHEMA = "marts"
FLOAT_DECIMALS = 9
_FLOATS = {"DOUBLE", "FLOAT", "REAL"}

# Columns whose values are a time of the build, by table: left out of the comparison.  None.
BUILD_TIME_COLUMNS: dict[str, tuple[str, ...]] = {}

# What the copy leaves out: the uploaded files and reports (a build with nothing waiting reads
# none of them), what publishing writes (a build that does not publish neither reads nor
# writes it), logs, and the home's locks and pid file.
_NOT_COPIED = {"accepted", "raw", "reports", "inbox", "sample", "published", "agency_rows.duckdb", "logs"}
_NOT_COPIED |= {"build.lock", "service.lock", "dbt.pid", "warehouse.duckdb.tmp"}


def copy_home(home: Path, scratch: Path) -> None:
    def ignore(folder: str, names: list[str]) -> set[str]:
        return {name for name in names if name in _NOT_COPIED} if Path(folder) == home else set()

    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(home, scratch, ignore=ignore)


def full_rebuild(scratch: Path) -> tuple[Path, dict, float]:
    """A copy of the current home rebuilt from scratch: its warehouse, the rebuild's probe summary,
    the copy's seconds.  Call it when no build of the home runs; the home's own warehouse is left
    as it was (checked)."""
    from accueil.bench.homes import bench_home
    from accueil.bench.probe import probe_build
    from orchestration.commands import build_with_progress

    original = config.warehouse_path()
    before = original.stat().st_mtime_ns
    started = time.perf_counter()
    copy_home(config.home(), scratch)
    copy_s = time.perf_counter() - started
    with bench_home(scratch, fresh=False):
        with probe_build() as probe:
            build_with_progress(publish=False, full_refresh=True)
        rebuilt = config.warehouse_path()
    if original.stat().st_mtime_ns != before:
        raise BenchFailed(f"the full rebuild of the copy in {scratch} wrote {original}")
    return rebuilt, probe.summary(), copy_s


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
        [catalog, SCHEMA, table],
    ).fetchall()


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> set[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_catalog = ? and table_schema = ?",
        [catalog, SCHEMA],
    ).fetchall()
    return {name for (name,) in rows}


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return con.execute(f"select count(*) from ({sql})").fetchone()[0]


def compare_marts(incremental: Path, rebuilt: Path, scratch: Path | None = None) -> dict:
    """Every table of `marts` in both warehouses, row for row: {tables, rows, mismatched_tables, ...}."""
    con = duckdb.connect()
    try:
        con.execute(f"set memory_limit = {literal(config.duckdb_memory_limit())}")
        if scratch is not None:  # room to spill the set operations on a large warehouse
            con.execute(f"set temp_directory = {literal(scratch / 'compare.tmp')}")
        con.execute(f"attach {literal(incremental)} as incremental (read_only)")
        con.execute(f"attach {literal(rebuilt)} as rebuilt (read_only)")
        names = _tables(con, "incremental") | _tables(con, "rebuilt")
        mismatches, rows = [], 0
        for table in sorted(names):
            count, difference = _compare_table(con, table)
            rows += count
            if difference:
                mismatches.append({"table": table, **difference})
    finally:
        con.close()
    return {
        "tables": len(names),
        "rows": rows,
        "mismatched_tables": [m["table"] for m in mismatches],
        "mismatches": mismatches,
        "excluded_columns": {table: list(columns) for table, columns in BUILD_TIME_COLUMNS.items()},
        "float_decimals": FLOAT_DECIMALS,
    }


def _compare_table(con: duckdb.DuckDBPyConnection, table: str) -> tuple[int, dict | None]:
    """The incremental warehouse's rows of `table`, and what differs (None when nothing does)."""
    left, right = _columns(con, "incremental", table), _columns(con, "rebuilt", table)
    if not left or not right:
        return 0, {"reason": "only in the " + ("rebuilt" if not left else "incremental") + " warehouse"}
    excluded = set(BUILD_TIME_COLUMNS.get(table, ()))
    left = [c for c in left if c[0] not in excluded]
    right = [c for c in right if c[0] not in excluded]
    if left != right:
        return 0, {"reason": "columns differ", "incremental": left, "rebuilt": right}
    select = ", ".join(
        f"round({identifier(name)}, {FLOAT_DECIMALS})" if kind in _FLOATS else identifier(name) for name, kind in left
    )
    sides = {side: f"select {select} from {side}.{SCHEMA}.{identifier(table)}" for side in ("incremental", "rebuilt")}
    counts = {side: _count(con, sql) for side, sql in sides.items()}
    only_incremental = _count(con, f"{sides['incremental']} except all {sides['rebuilt']}")
    only_rebuilt = _count(con, f"{sides['rebuilt']} except all {sides['incremental']}")
    if only_incremental or only_rebuilt or counts["incremental"] != counts["rebuilt"]:
        return counts["incremental"], {
            "reason": "rows differ",
            "rows_incremental": counts["incremental"],
            "rows_rebuilt": counts["rebuilt"],
            "only_incremental": only_incremental,
            "only_rebuilt": only_rebuilt,
        }
    return counts["incremental"], None


def check(scratch: Path) -> dict:
    """The whole check on the current home: copy, rebuild, compare.  The copy is removed when
    the marts are equal, and kept to look at when they are not."""
    rebuilt, build, copy_s = full_rebuild(scratch)
    result = compare_marts(config.warehouse_path(), rebuilt, scratch)
    result |= {"copy_s": round(copy_s, 3), "full_refresh_build": build}
    if result["mismatched_tables"]:
        result["kept"] = str(scratch)
    else:
        shutil.rmtree(scratch, ignore_errors=True)
    return result
