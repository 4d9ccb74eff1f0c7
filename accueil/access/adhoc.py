"""Ad-hoc SQL (`accueil sql`) under the same rights as the dashboards, enforced by DuckDB, not by parsing.

An admin's query runs on the snapshot itself, read-only (its marts and reference tables:
the client-level raw, staging and intermediate tables, and the marts marked client-level,
stay in the working warehouse, unpublished).  Anyone else's runs in a fresh in-memory database that holds copies of the
relations their role may read, and nothing else: the snapshot is attached only long
enough to copy them, then detached, and only then does the connection lose file access
and have its configuration locked.  An agency user's own rows come the same way from the
agencies' rows that the publish writes beside the warehouse (accueil/publish.py), copied
with the agency as a bound parameter.  So no table name, quoting, ATTACH, file function or
second statement can reach anything the role may not read, because it is not there to be
reached.

That session is also bounded, so that one query cannot take the server from everyone
else: a memory limit and a thread limit set when the database is opened (before it is
sealed, after which the query cannot raise them), no spilling to disk, and a time limit
kept by a timer that interrupts the query (DuckDB has no statement timeout).  A query
stopped at a limit gets one sentence and an audit row (`query_stopped`).  An admin's
query has no limits (whoever runs one already holds the files) but one: it spills to disk
only into the room beyond what the next build needs.  On a full disk, a query gets one
sentence, and nothing is shown that the audit log does not hold.

Every query is audited as an export: who, the query, its hash and how many rows left
(accueil.access.audit.record, like every audit row the reading side writes).
"""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path

import duckdb
import pandas as pd

from accueil import config
from accueil.access.audit import record
from accueil.access.disclosure import count_columns, is_numeric_sql, suppression_threshold
from accueil.access.exposure import SCHEMA, Exposure, aggregate_exposure, client_level_models
from accueil.access.policy import AccessDenied, Viewer
from accueil.access.scope import scope_table
from accueil.access.snapshot import AGENCY_KEY, NotPublished, agency_rows_path, snapshot_info
from accueil.ops import disk
from accueil.sql_text import identifier, literal

_ALIAS = "snapshot"
_ROWS_ALIAS = "agency_rows"
OWN = "own"  # an agency user's own rows
UNPUBLISHED = ("raw", "staging", "intermediate")  # the working warehouse's schemas, never in the snapshot


class QueryFailed(ValueError):
    pass


class QueryStopped(QueryFailed):
    """A restricted query stopped at its time or memory limit."""


_AUDITED_QUERY_CHARS = 500


def _seal(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("set enable_external_access = false")
    # DuckDB's Python client can resolve an unknown table name to a DataFrame in the calling
    # code.  Without external access DuckDB 2.0 already refuses that; said explicitly so a
    # change of that coupling in a later release cannot reopen it.
    con.execute("set python_enable_replacements = false")
    con.execute("set lock_configuration = true")


def open_full(path: str) -> duckdb.DuckDBPyConnection:
    # An admin's query may spill to disk (DuckDB's folder beside the snapshot), but only into what
    # the disk has beyond the room the next build needs (accueil/ops/disk.py), never all of it.
    con = duckdb.connect(path, read_only=True, config={"max_temp_directory_size": f"{_spill_room(path)}B"})
    _seal(con)
    return con


def _spill_room(path: str) -> int:
    return max(0, disk.free_bytes(Path(path).parent) - disk.needed_for_build())


def open_restricted(
    path: str,
    exposure: Exposure,
    threshold: int | None = None,
    agency: str | None = None,
    viewer: Viewer | None = None,
) -> duckdb.DuckDBPyConnection:
    """An in-memory database holding the exposed marts tables (minus hidden columns), sealed.

    With `agency`, also schema `own`: that agency's own rows of every raw table keyed by
    agency (its extracts as loaded, its loads), from the agencies' rows the publish wrote,
    and no other agency's.  With a `viewer` bound to agencies (a funder's grants), only the rows of
    those agencies and the region totals are copied (accueil.access.scope).
    """
    return _open_restricted(path, exposure, threshold, agency, viewer)[0]


def _open_restricted(
    path: str, exposure: Exposure, threshold: int | None, agency: str | None = None, viewer: Viewer | None = None
) -> tuple[duckdb.DuckDBPyConnection, dict[str, int]]:
    """The sealed database, and the small cells blanked in each copied table (table.column -> cells).

    The copies pass the second line of disclosure control before the user's query ever
    runs, so no query, however it renames or combines columns, sees a small cell the
    marts let through.
    """
    threshold = suppression_threshold() if threshold is None else threshold
    blanked: dict[str, int] = {}
    con = _bounded_memory_database()
    try:
        con.execute(f"attach {literal(path)} as {_ALIAS} (read_only)")
        present = con.execute(
            "select table_name from duckdb_tables() where database_name = ? and schema_name = ?"
            " union all select view_name from duckdb_views() where database_name = ? and schema_name = ?",
            [_ALIAS, SCHEMA, _ALIAS, SCHEMA],
        ).fetchall()
        con.execute(f"create schema {SCHEMA}")
        for (table,) in sorted(present):
            if table not in exposure.tables:
                continue
            available = [
                row[0]
                for row in con.execute(
                    "select column_name from duckdb_columns() where database_name = ? and schema_name = ?"
                    " and table_name = ? order by column_index",
                    [_ALIAS, SCHEMA, table],
                ).fetchall()
            ]
            kept = exposure.columns(table, available)
            columns = ", ".join(identifier(c) for c in kept)
            if columns:
                con.execute(
                    f"create table {SCHEMA}.{identifier(table)} as select {columns}"
                    f" from {_ALIAS}.{SCHEMA}.{identifier(table)}"
                )
                blanked.update(_blank_small_cells(con, table, threshold))
                if viewer is not None:
                    scope_table(con, f"memory.{SCHEMA}.{identifier(table)}", kept, viewer)
        con.execute(f"detach {_ALIAS}")
        if agency:
            _copy_own_rows(con, agency)
        con.execute(f"use memory.{SCHEMA}")
        _seal(con)
    except BaseException:
        con.close()
        raise
    return con, blanked


def _bounded_memory_database() -> duckdb.DuckDBPyConnection:
    # Set at connect, so the copy of the marts counts against the limit too.
    return duckdb.connect(
        ":memory:",
        config={
            "memory_limit": config.query_memory_limit(),
            "threads": config.query_threads(),
            # An in-memory database spills to ./.tmp even without external access: a query could fill
            # the disk.  Without a temp directory, too much memory is a clean OutOfMemoryException.
            "temp_directory": "",
        },
    )


def _copy_own_rows(con: duckdb.DuckDBPyConnection, agency: str) -> None:
    """Schema `own`: the agency's rows of every table of the agencies' rows (each keyed by agency)."""
    path = agency_rows_path()
    if not path.is_file():
        raise NotPublished("no agency's own rows are published yet: run `accueil build` first")
    con.execute(f"attach {literal(path)} as {_ROWS_ALIAS} (read_only)")
    try:
        keyed = con.execute(
            "select table_name from duckdb_columns() where database_name = ? and schema_name = 'main'"
            " and column_name = ? order by table_name",
            [_ROWS_ALIAS, AGENCY_KEY],
        ).fetchall()
        con.execute(f"create schema {OWN}")
        for (table,) in keyed:
            con.execute(
                f"create table {OWN}.{identifier(table)} as select * from {_ROWS_ALIAS}.main.{identifier(table)}"
                f" where {AGENCY_KEY} = ?",
                [agency],
            )
    finally:
        con.execute(f"detach {_ROWS_ALIAS}")


def _blank_small_cells(con: duckdb.DuckDBPyConnection, table: str, threshold: int) -> dict[str, int]:
    described = con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = 'memory' and schema_name = ?"
        " and table_name = ? order by column_index",
        [SCHEMA, table],
    ).fetchall()
    numeric = {name for name, kind in described if is_numeric_sql(kind)}
    relation = f"memory.{SCHEMA}.{identifier(table)}"
    found, updates = {}, []
    # Counted before anything is blanked: blanking one count's group can hide another's small cell.
    for count in count_columns([name for name, _ in described], numeric):
        if count.name not in numeric:
            continue
        where = count.sql_predicate(threshold)
        (cells,) = con.execute(f"select count(*) from {relation} where {where}").fetchone()
        if cells:
            found[f"{table}.{count.name}"] = int(cells)
            sets = [f"{identifier(c)} = null" for c in count.group]
            if count.flag:
                sets.append(f"{identifier(count.flag)} = true")
            updates.append(f"update {relation} set {', '.join(sets)} where {where}")
    for update in updates:
        con.execute(update)
    return found


def run_sql(viewer: Viewer, query: str, exposure: Exposure | None = None) -> pd.DataFrame:
    """The result of one read-only statement, as this viewer may see it; audited as an export.

    On a full disk (its audit row cannot be written, or the query cannot spill), one sentence:
    nothing is shown that the audit log does not hold."""
    try:
        return _run_sql(viewer, query, exposure)
    except Exception as exc:
        if isinstance(exc, disk.DiskFull) or not disk.is_full_error(exc):
            raise
        raise disk.DiskFull(disk.full_sentence("the query stopped and nothing was shown")) from None


def _run_sql(viewer: Viewer, query: str, exposure: Exposure | None) -> pd.DataFrame:
    info = snapshot_info()
    digest = hashlib.sha256(query.encode("utf-8")).hexdigest()
    restricted = viewer.role != "admin"
    try:
        if restricted:
            own = viewer.agency if viewer.role == "agency" else None
            con, blanked = _open_restricted(info.path, exposure or aggregate_exposure(), None, own, viewer)
        else:
            con, blanked = open_full(info.path), {}
    except duckdb.IOException as exc:
        raise NotPublished(str(exc).splitlines()[0]) from None
    except duckdb.OutOfMemoryException:
        raise _stopped(viewer, digest, query, "memory") from None
    if blanked:
        record(viewer, "disclosure_blanked", "sql", cells=blanked)
    try:
        try:
            statements = con.extract_statements(query)
        except duckdb.Error as exc:
            _refuse(viewer, digest, query, "does not parse")
            raise QueryFailed(str(exc).splitlines()[0]) from None
        if len(statements) != 1:
            _refuse(viewer, digest, query, "not exactly one statement")
            raise AccessDenied("give exactly one statement")
        if restricted and statements[0].type != duckdb.StatementType.SELECT:
            _refuse(viewer, digest, query, f"{statements[0].type.name} statement")
            raise AccessDenied("only SELECT queries are allowed")
        try:
            frame = _timed(con, query) if restricted else con.execute(query).df()
        except QueryStopped as exc:
            raise _stopped(viewer, digest, query, exc.args[0]) from None
        except duckdb.OutOfMemoryException:
            raise _stopped(viewer, digest, query, "memory") from None
        except duckdb.Error as exc:
            _refuse(viewer, digest, query, type(exc).__name__)
            hint = "" if restricted else _unpublished_hint(exc)
            raise QueryFailed(str(exc).splitlines()[0] + hint) from None
    finally:
        con.close()
    record(viewer, "export", "sql", query=query, query_sha256=digest, rows=len(frame), snapshot=info.published_at)
    return frame


def _unpublished_hint(exc: duckdb.Error) -> str:
    """For an admin's query that names a schema or a client-level mart the snapshot does not hold:
    where those tables are."""
    if not isinstance(exc, duckdb.CatalogException):
        return ""
    message = str(exc)
    if any(f'schema "{s}"' in message for s in UNPUBLISHED):
        return (
            " (the snapshot holds the marts and reference tables only: raw, staging and intermediate stay in the"
            " working warehouse, which an admin opens with DuckDB while no build runs)"
        )
    if any(re.search(rf"\b{re.escape(m)}\b", message) for m in client_level_models()):
        return (
            " (the snapshot holds only what is served: the client-level marts stay in the working warehouse,"
            " which an admin opens with DuckDB while no build runs)"
        )
    return ""


def _timed(con: duckdb.DuckDBPyConnection, query: str) -> pd.DataFrame:
    """The query's result, or QueryStopped("time") once it has run past the time limit (fetching included)."""
    fired = threading.Event()

    def stop() -> None:
        fired.set()
        con.interrupt()

    timer = threading.Timer(config.query_timeout_s(), stop)
    timer.daemon = True
    timer.start()
    try:
        return con.execute(query).df()
    except duckdb.InterruptException:
        if fired.is_set():
            raise QueryStopped("time") from None
        raise
    finally:
        timer.cancel()


def _stopped(viewer: Viewer, digest: str, query: str, limit: str) -> QueryStopped:
    """The audited refusal of a query stopped at its `limit` ("time" or "memory")."""
    if viewer.role == "admin":  # no limits of its own: out of memory, it ran out of room to spill to
        limit, value = "disk", disk.human(_spill_room(snapshot_info().path))
    else:
        value = f"{config.query_timeout_s():g} s" if limit == "time" else config.query_memory_limit()
    record(
        viewer,
        "query_stopped",
        "sql",
        limit=limit,
        value=value,
        query=query[:_AUDITED_QUERY_CHARS],
        query_sha256=digest,
    )
    if limit == "disk":
        return QueryStopped(
            "the query needed more memory than this machine gives it, and more disk to spill to than the "
            f"{value} free beyond what the next build needs: ask for fewer rows (a filter, an aggregate or a "
            "limit) and run it again"
        )
    if limit == "time":
        return QueryStopped(
            f"the query was stopped after {value}, the time limit for a {viewer.role}'s query: "
            "ask for fewer rows (a filter, an aggregate or a limit) and run it again"
        )
    return QueryStopped(
        f"the query was stopped because it needed more than {value} of memory, the limit for a "
        f"{viewer.role}'s query: ask for fewer rows (a filter, an aggregate or a limit) and run it again"
    )


def _refuse(viewer: Viewer, digest: str, query: str, reason: str) -> None:
    record(viewer, "sql_refused", "sql", query=query, query_sha256=digest, reason=reason)
