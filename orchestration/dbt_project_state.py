"""Which dbt project built the warehouse, and so whether the next build may be incremental.

The partition models (warehouse/macros/extract_partitions.sql) keep the rows earlier builds
wrote.  Rows written by another version of the project (a changed model, macro or seed) would
stay as that version wrote them, so a build whose project differs from the one that last
built this warehouse rebuilds everything (dbt's `--full-refresh`), as `accueil build
--full-refresh` does on demand.  The record is a table in the warehouse itself, not a file
beside it: a restored backup brings the record of the project that built it.
"""

from __future__ import annotations

import hashlib
import json

import duckdb

from accueil import config

WAREHOUSE_DIR = config.REPO_ROOT / "warehouse"
_TABLE = "main.dbt_built_project"


def sources_digest() -> str:
    """A digest of every file dbt parses.  Contents, not modification times: files copied or
    unpacked with their old times must still count as changed."""
    paths = [
        WAREHOUSE_DIR / "dbt_project.yml",
        WAREHOUSE_DIR / "profiles.yml",
        *WAREHOUSE_DIR.glob("models/**/*"),
        *WAREHOUSE_DIR.glob("macros/**/*"),
        *WAREHOUSE_DIR.glob("tests/**/*"),
        *(config.REPO_ROOT / "seeds").glob("*.csv"),
        *(config.REPO_ROOT / "seeds").glob("*.yml"),
    ]
    digest = hashlib.sha256()
    for path in sorted(p for p in paths if p.is_file()):
        digest.update(str(path.relative_to(config.REPO_ROOT)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def full_refresh_reason(digest: str, recorded: str | None) -> str | None:
    """Why a build of the project with this `sources_digest()` must rebuild every model, or None
    when it may build incrementally.  `recorded`: `built_by()`, read once by the build."""
    if not config.warehouse_path().exists():
        return None  # a first build builds everything anyway
    if recorded is None:
        return "no record of the dbt project that built this warehouse"
    if recorded != digest:
        return "the dbt project (models, macros, tests or seeds) changed since the last build"
    return None


def built_by() -> str | None:
    """The `sources_digest()` of the project whose build of this warehouse last passed, if any."""
    return recorded_digest(_TABLE)


def recorded_digest(table: str) -> str | None:
    """The `digest` column of a one-row record in the warehouse's `main` schema, if there is one."""
    path = config.warehouse_path()
    if not path.exists():
        return None
    with duckdb.connect(str(path), read_only=True) as con:
        found = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'main' and table_name = ?",
            [table.split(".")[1]],
        ).fetchone()[0]
        recorded = con.execute(f"select digest from {table}").fetchone() if found else None
    return recorded[0] if recorded else None


# The seeds, left out of a build by the very project that last built and tested the warehouse
# (`built_by()` is its digest): the seeds are the project's own CSVs, so the warehouse holds them
# exactly as that build loaded and tested them.  Reloading them is 10 seeds and 73 tests, about
# 4 s of every build on the two cores (bench/findings.md).
SEEDS = "resource_type:seed"


def leave_out(selectors: list[str]) -> list[str]:
    """dbt arguments that leave out these nodes and the tests that read only them. Cautious
    indirect selection drops a test only when all its parents are left out: a test that checks
    a model against a seed (a code it must find in a code list) still runs."""
    # One value, the selectors space-separated: dagster-dbt takes the first value of each
    # --exclude out of the arguments and passes it on with its own.
    return ["--exclude", " ".join(selectors), "--indirect-selection", "cautious"] if selectors else []


def record_built(digest: str) -> None:
    """After a build whose models and tests all passed: the project with this digest, taken
    before the build started (a file edited during the build is not what built it), built the
    warehouse."""
    with duckdb.connect(str(config.warehouse_path())) as con:
        con.execute(f"create table if not exists {_TABLE} (digest varchar not null, built_at timestamptz not null)")
        con.execute(f"delete from {_TABLE}")
        con.execute(f"insert into {_TABLE} values (?, now())", [digest])


def partnership_vars(days: int) -> list[str]:
    """The dbt vars a build passes: the partnership's numbers, which live in the control
    database, not in the project.  The manifest's parse passes the defaults the same way, since
    dbt reuses a partial parse only for the same vars (orchestration/build.py)."""
    return ["--vars", json.dumps({"referral_open_days": days})]
