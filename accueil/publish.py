"""Publish what is served: the read-only snapshot, and the agencies' own rows for `accueil sql --user`.

DuckDB allows one writer and forbids readers while it writes, so readers never open
the pipeline's file.  After a successful build, two new files are written from it and
swapped into place with os.replace:

- the snapshot (`published/warehouse.duckdb`), which every reader opens through
  accueil.access (the dashboards, `accueil sql`, `accueil audit scan`, the indicators commands,
  the benchmark): the `marts` and `reference` schemas, and nothing else.  The working
  warehouse's `raw`, `staging` and `intermediate` schemas, client-level rows all, stay where
  they are, unpublished, and so do the marts models marked client-level in their YAML
  (`meta: access: client_level`, such as `dim_client`): nothing served reads them.  The
  tables are copied into a new file rather than the file copied and the rest dropped: a
  dropped table's bytes would stay in the file's free blocks, and the snapshot is what an
  admin may share with a group.
- the agencies' own rows (`agency_rows.duckdb` in the home, beside the working warehouse,
  never shared): every raw table keyed by agency (the extracts as loaded, the loads, the
  agency reference rows), and the client-level lists an agency reads on its page (open
  referrals and overdue follow-ups, schema `marts`).  `accueil sql --user` opens it, for an
  agency user, and copies that agency's raw rows alone (accueil/access/adhoc.py); the page
  reads that agency's lists alone (accueil/access/followups.py).  A client whose `consent_ind`
  says No on any of their profiles is left out of it, every table's rows of that client
  (docs/access.md, "Consent"): still counted in every aggregate, never listed.  It is written
  by difference from the last one published, not copied whole (accueil/agency_rows.py).

A reader that has the old files open keeps reading them; the next one gets the new ones; a
failed build never gets here.  A copy that fails half-way (a full disk) is removed at
once, and one left by a killed build is removed when the next build, or `accueil serve`,
starts (`remove_partials`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb

from accueil import agency_rows, config, control, filemodes
from accueil.access.exposure import SCHEMA as MARTS
from accueil.access.exposure import client_level_models
from accueil.access.snapshot import AGENCY_KEY, agency_rows_path
from accueil.ops import disk
from accueil.sql_text import identifier, literal

# What the snapshot holds: the dbt marts and seeds, every table and view in them (a view is
# published as a table, since what it reads is not there), but the client-level marts.
SERVED_SCHEMAS = (MARTS, "reference")
_PARTIAL = ".partial"


def publish(actor: str = "pipeline") -> Path:
    source = config.warehouse_path()
    target, rows = config.published_path(), agency_rows_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = _partial(target)
    rows_partial = _partial(rows)
    manifest = target.parent / f".manifest.json.{os.getpid()}{_PARTIAL}"
    written = (partial, rows_partial, manifest, *_companions(partial), *_companions(rows_partial))
    for path in written:  # a database file left under the same name would be opened, not made anew
        path.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(source)) as con:
            con.execute("checkpoint")
            loads = con.execute(
                "select kind, agency_cd, quarter, upload_id, sha256 from raw.loads order by kind, agency_cd, quarter"
            ).fetchall()
            loads += _survey_loads(con)
            tables = _copy(con, partial, _served(con))
            # By difference from the last agencies' rows published (accueil/agency_rows.py).
            agency_rows.write(con, rows_partial, rows, _agency_keyed(con), _agency_lists(con), _upload_shas())
        # The copy must open cleanly, holding what was copied, before it replaces anything.
        with duckdb.connect(str(partial), read_only=True) as con:
            held = con.execute("select schema_name, table_name from duckdb_tables() order by all").fetchall()
        if held != sorted(tables):
            raise RuntimeError(f"the snapshot copy holds {held}, not the {len(tables)} tables copied")
        # Written before the swap, so that a full disk cannot leave a new snapshot under the old manifest.
        record = {"published_at": control.now(), "uploads": [list(r) for r in loads]}
        manifest.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        os.chmod(rows_partial, 0o600)  # client-level rows: owner-only whatever the umask, never shared
        os.replace(rows_partial, rows)
        os.replace(partial, target)
        os.replace(manifest, target.parent / "manifest.json")
    except duckdb.Error as exc:
        if disk.is_full_error(exc):
            raise disk.DiskFull(disk.full_sentence(disk.BUILD_STOPPED)) from exc
        raise
    finally:
        # Nothing half-written stays behind: a failed copy (a full disk) or check leaves the last snapshot alone.
        for path in written:
            path.unlink(missing_ok=True)
    # New files are owner-only (umask 077): a group an admin shares the snapshot and the reports with
    # (ACCUEIL_SHARED_GROUP) gets them here, since each accepted upload ends in a publish.  Not the
    # agencies' rows: they are in the home itself, which is never shared.
    filemodes.tighten(target.parent)
    filemodes.tighten(config.reports_dir())
    with control.connect() as ctl:
        control.audit(ctl, actor, "published", str(target), uploads=len(loads), tables=len(tables))
    return target


def _survey_loads(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """The client feedback files the build loaded (accueil.ingest.survey_warehouse), named in the
    manifest like the extracts, so that their uploads read as published."""
    if not con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = 'survey_loads'"
    ).fetchone()[0]:
        return []
    return con.execute(
        "select 'survey', agency_cd, period, upload_id, sha256 from raw.survey_loads"
        " order by agency_cd, period, upload_id"
    ).fetchall()


def _partial(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}{_PARTIAL}")


def _companions(path: Path) -> list[Path]:
    """What DuckDB may leave beside a database file it was writing when it failed."""
    return [path.with_name(path.name + ".wal")]


def _served(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(schema, relation) of every table and view of the served schemas, but the client-level marts."""
    relations = con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = current_database()"
        " and list_contains($schemas, schema_name) union all select schema_name, view_name from duckdb_views()"
        " where database_name = current_database() and list_contains($schemas, schema_name) and not internal"
        " order by all",
        {"schemas": list(SERVED_SCHEMAS)},
    ).fetchall()
    withheld = client_level_models()
    return [(schema, name) for schema, name in relations if not (schema == MARTS and name in withheld)]


def _agency_keyed(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every raw table keyed by agency."""
    return [
        table
        for (table,) in con.execute(
            "select table_name from duckdb_columns() where database_name = current_database()"
            " and schema_name = 'raw' and column_name = ? order by all",
            [AGENCY_KEY],
        ).fetchall()
    ]


# The client-level marts an agency reads its own rows of on its page (accueil.access.followups).
AGENCY_LISTS = ("fct_open_referral_list", "fct_overdue_followup_list")


def _agency_lists(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(marts, table) of the agencies' lists the warehouse holds (none before its first build with them)."""
    return con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = current_database()"
        " and schema_name = ? and list_contains(?, table_name) order by all",
        [MARTS, list(AGENCY_LISTS)],
    ).fetchall()


def _upload_shas() -> dict[int, str]:
    """Each upload's file's sha256, by upload id: the agencies' rows match an upload by both."""
    with control.connect() as ctl:
        return {r["upload_id"]: r["sha256"] for r in ctl.execute("select upload_id, sha256 from uploads")}


def _copy(con: duckdb.DuckDBPyConnection, path: Path, relations: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each relation copied, as a table, into a new database file at `path`, in its own schema;
    returns where each went."""
    copied = []
    con.execute(f"attach {literal(path)} as publishing")
    try:
        for schema, table in relations:
            con.execute(f"create schema if not exists publishing.{identifier(schema)}")
            con.execute(
                f"create table publishing.{identifier(schema)}.{identifier(table)}"
                f" as from {identifier(schema)}.{identifier(table)}"
            )
            copied.append((schema, table))
        con.execute("checkpoint publishing")
    finally:
        con.execute("detach publishing")
    return copied


def remove_partials() -> list[Path]:
    """Copies a publish left half-written when its process was killed (its `finally` never ran).
    Called under the build lock, when no publish can be running; returns what it removed."""
    removed = []
    folder, rows = config.published_path().parent, agency_rows_path()
    found = [
        *(folder.glob(f".*{_PARTIAL}*") if folder.is_dir() else ()),
        *rows.parent.glob(f".{rows.name}.*{_PARTIAL}*"),
    ]
    for path in found:
        if path.is_file():
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
