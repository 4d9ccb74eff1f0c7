"""The agencies' own rows (`agency_rows.duckdb`), written by difference from the last ones published.

Every publish used to copy every raw table keyed by agency whole: at national scale about 3
million extract rows of up to 56 columns, about 7 s of each upload's way to being published,
to add one agency's quarter.  The rows of an upload never change once loaded (a correction is
a new upload, and the raw tables hold only the upload loaded for each partition), so the last
file published, copied, needs only:

- the rows of the uploads no longer loaded taken out, and those of the uploads newly loaded put in;
- the rows of the clients who said No to `consent_ind` since the last publish taken out, and
  those of clients who no longer say No put back (accueil.publish, "Consent");
- the agencies' lists (open referrals, overdue follow-ups) written whole: they are small, and
  they change with the date.

The file keeps what it was written from in a schema of its own (`publish_state`: which upload,
with which file's sha256, gave how many rows to each table, and who said No), which `accueil sql
--user` never reads: it reads the tables of `main` keyed by agency.  An upload is matched by its
id, its file's sha256 and its row count, so that an id given again after a restore (which removes
this file anyway) cannot keep stale rows.  A table whose columns changed, a table with no upload
id, a file written by another layout of this module or none at all, and a file whose deleted rows
have grown to a quarter of its rows are written whole (so that deleted rows do not pile up in it).

Deleted rows may stay in the file's free blocks until DuckDB reuses them: the file is owner-only
and never shared (the working warehouse beside it holds every row anyway); what `accueil sql`
and the pages can read is exactly what a whole copy would hold (tests/test_agency_rows.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from accueil.sql_text import identifier, literal

STATE = "publish_state"
# Bumped whenever what this module writes changes: a file of another layout is written whole.
LAYOUT = 1
_UPLOAD = "upload_id"
ALIAS = "publishing"


def write(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    previous: Path,
    raw_tables: list[str],
    lists: list[tuple[str, str]],
    shas: dict[int, str],
) -> dict[str, str]:
    """Writes the agencies' rows at `path` (a new file) from the warehouse `con`: by difference from
    `previous` when it can, else whole.  Returns how each table was written ('whole', 'difference'),
    for the tests."""
    reusable = previous.is_file() and _copy_file(previous, path) and _reusable(con, path)
    if not reusable:
        path.unlink(missing_ok=True)
    con.execute(f"attach {literal(path)} as {ALIAS}")
    try:
        how = _write_tables(con, raw_tables, lists, shas, reusable)
        con.execute(f"checkpoint {ALIAS}")
    finally:
        con.execute(f"detach {ALIAS}")
    return how


def _copy_file(previous: Path, path: Path) -> bool:
    try:
        shutil.copyfile(previous, path)
    except OSError:
        return False
    return True


def _reusable(con: duckdb.DuckDBPyConnection, path: Path) -> bool:
    """Whether the last file, copied, can be written by difference: written by this layout, not
    too full of deleted rows, and a database at all (whatever else is found there is replaced
    whole, never in the way of a publish)."""
    try:
        con.execute(f"attach {literal(path)} as {ALIAS} (read_only)")
    except duckdb.Error:
        return False
    try:
        if not _exists(con, STATE, "layout"):
            return False
        layout, deleted, rows = con.execute(f"select layout, deleted_rows, rows from {ALIAS}.{STATE}.layout").fetchone()
        return layout == LAYOUT and deleted * 4 <= max(rows, 1)
    except duckdb.Error:
        return False
    finally:
        con.execute(f"detach {ALIAS}")


def _exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    (found,) = con.execute(
        "select count(*) from duckdb_tables() where database_name = ? and schema_name = ? and table_name = ?",
        [ALIAS, schema, table],
    ).fetchone()
    return bool(found)


def _columns(con: duckdb.DuckDBPyConnection, database: str, schema: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = ? and schema_name = ?"
        " and table_name = ? order by column_index",
        [database, schema, table],
    ).fetchall()


def _write_tables(
    con: duckdb.DuckDBPyConnection,
    raw_tables: list[str],
    lists: list[tuple[str, str]],
    shas: dict[int, str],
    reusable: bool,
) -> dict[str, str]:
    source = con.execute("select current_database()").fetchone()[0]
    consent = _has(con, source, "raw", "client_profile", "consent_ind")
    con.execute(
        "create or replace temp table said_no as select distinct client_key from raw.client_profile"
        " where consent_ind = 'No' and client_key is not null"
        if consent
        else "create or replace temp table said_no (client_key varchar)"
    )
    before = f"from {ALIAS}.{STATE}.said_no" if reusable else "select null::varchar as client_key limit 0"
    con.execute(f"create or replace temp table said_no_before as {before}")
    con.execute(
        "create or replace temp table upload_shas as"
        " select unnest($ids::bigint[]) as upload_id, unnest($shas::varchar[]) as sha256",
        {"ids": list(shas), "shas": list(shas.values())},
    )
    con.execute(f"create schema if not exists {ALIAS}.{STATE}")
    con.execute(
        f"create table if not exists {ALIAS}.{STATE}.uploads"
        " (table_name varchar, upload_id bigint, sha256 varchar, source_rows bigint)"
    )
    # The tables whose uploads the last file recorded: only those can be brought up to date.
    con.execute(f"create table if not exists {ALIAS}.{STATE}.keyed (table_name varchar)")
    recorded = {table for (table,) in con.execute(f"select table_name from {ALIAS}.{STATE}.keyed").fetchall()}
    held = {
        table
        for (table,) in con.execute(
            "select table_name from duckdb_tables() where database_name = ? and schema_name = 'main'", [ALIAS]
        ).fetchall()
    }
    how, deleted = {}, 0
    for table in raw_tables:
        columns = _columns(con, source, "raw", table)
        names = {name for name, _ in columns}
        filtered = consent and "client_key" in names
        keyed = _UPLOAD in names and _uploads_now(con, table)
        same = table in held and _columns(con, ALIAS, "main", table) == columns
        if reusable and same and keyed and table in recorded:
            deleted += _by_difference(con, table, filtered)
            how[table] = "difference"
        else:
            where = f" where {_SAID_YES}" if filtered else ""
            con.execute(
                f"create or replace table {ALIAS}.main.{identifier(table)} as from raw.{identifier(table)} t{where}"
            )
            how[table] = "whole"
        _record_uploads(con, table, keyed)
    for table in held - set(raw_tables):  # a raw table the warehouse no longer has
        con.execute(f"drop table {ALIAS}.main.{identifier(table)}")
        _record_uploads(con, table, False)
    for schema, table in lists:
        where = f" where {_SAID_YES}" if consent and _has(con, source, schema, table, "client_key") else ""
        con.execute(f"create schema if not exists {ALIAS}.{identifier(schema)}")
        con.execute(
            f"create or replace table {ALIAS}.{identifier(schema)}.{identifier(table)} as"
            f" from {identifier(schema)}.{identifier(table)} t{where}"
        )
        how[f"{schema}.{table}"] = "whole"
    _record_state(con, raw_tables, deleted)
    return how


# A row kept: its client said No on no profile, at no agency (docs/access.md, "Consent"); a row
# naming no client is kept.
_SAID_YES = "not exists (select 1 from temp.said_no n where n.client_key = t.client_key)"


def _has(con: duckdb.DuckDBPyConnection, database: str, schema: str, table: str, column: str) -> bool:
    return any(name == column for name, _ in _columns(con, database, schema, table))


def _uploads_now(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Each upload in the raw table now: its id, its file's sha256, and how many rows it gave.
    Whether every row has an upload id (a row without one could not be matched: written whole)."""
    con.execute(
        "create or replace temp table uploads_now as"
        f" select t.upload_id, s.sha256, count(*) as source_rows from raw.{identifier(table)} t"
        " left join temp.upload_shas s using (upload_id) group by t.upload_id, s.sha256"
    )
    (unmatched,) = con.execute("select count(*) from temp.uploads_now where upload_id is null").fetchone()
    return not unmatched


def _by_difference(con: duckdb.DuckDBPyConnection, table: str, filtered: bool) -> int:
    """The table brought from what it held to what the warehouse holds now; returns the rows deleted."""
    target = f"{ALIAS}.main.{identifier(table)}"
    before = f"(select upload_id, sha256, source_rows from {ALIAS}.{STATE}.uploads where table_name = {literal(table)})"
    con.execute(
        "create or replace temp table changed as"
        f" select upload_id from ({before} except from temp.uploads_now)"
        f" union select upload_id from (from temp.uploads_now except {before})"
    )
    (gone,) = con.execute(f"delete from {target} where upload_id in (select upload_id from temp.changed)").fetchone()
    kept = f" and {_SAID_YES}" if filtered else ""
    con.execute(
        f"insert into {target} from raw.{identifier(table)} t"
        f" where t.upload_id in (select upload_id from temp.changed){kept}"
    )
    if not filtered:
        return gone
    (withdrawn,) = con.execute(
        f"delete from {target} where client_key in (from temp.said_no except from temp.said_no_before)"
    ).fetchone()
    con.execute(
        f"insert into {target} from raw.{identifier(table)} t"
        " where t.client_key in (from temp.said_no_before except from temp.said_no)"
        " and t.upload_id not in (select upload_id from temp.changed)"
    )
    return gone + withdrawn


def _record_uploads(con: duckdb.DuckDBPyConnection, table: str, keyed: bool) -> None:
    """The uploads the table now holds (`temp.uploads_now`), or that it holds none that can be matched."""
    for state in ("uploads", "keyed"):
        con.execute(f"delete from {ALIAS}.{STATE}.{state} where table_name = ?", [table])
    if keyed:
        con.execute(f"insert into {ALIAS}.{STATE}.uploads select {literal(table)}, * from temp.uploads_now")
        con.execute(f"insert into {ALIAS}.{STATE}.keyed values (?)", [table])


def _record_state(con: duckdb.DuckDBPyConnection, raw_tables: list[str], deleted: int) -> None:
    """Who said No, and how many rows the file holds and has deleted since it was last written whole."""
    con.execute(f"create or replace table {ALIAS}.{STATE}.said_no as from temp.said_no")
    rows = sum(con.execute(f"select count(*) from {ALIAS}.main.{identifier(t)}").fetchone()[0] for t in raw_tables)
    if _exists(con, STATE, "layout"):
        (earlier,) = con.execute(f"select deleted_rows from {ALIAS}.{STATE}.layout").fetchone()
        deleted += earlier
    con.execute(
        f"create or replace table {ALIAS}.{STATE}.layout as"
        f" select {LAYOUT} as layout, {deleted}::bigint as deleted_rows, {rows}::bigint as rows"
    )
