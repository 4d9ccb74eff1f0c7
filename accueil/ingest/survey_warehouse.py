"""Load accepted client feedback files into the warehouse (raw.survey_responses).

A file is keyed by agency, survey and period: loading it deletes the rows of the file it
replaces and marks that upload superseded (the register keeps it, and its raw bytes); the
raw table holds exactly the current file of each key.  Oldest first, so that of two files
accepted for the same key before a build the newer wins.

Only the pipeline calls this module; it is DuckDB's single writer.
"""

from __future__ import annotations

import duckdb

from accueil import control
from accueil.contract import survey_contract
from accueil.ingest.submit import staged_dir
from accueil.ingest.survey import KIND, SHEET, TABLE

LOADS = """
create table if not exists raw.survey_loads (
    upload_id   integer primary key,
    agency_cd   varchar not null,
    survey_id   varchar not null,
    period      varchar not null,
    sha256      varchar not null,
    loaded_at   timestamp not null
)"""


def _columns() -> list[str]:
    return survey_contract().sheet(SHEET).column_names


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """The raw tables dbt's `surveys` source reads exist even before the first file is loaded."""
    con.execute("create schema if not exists raw")
    columns = ", ".join(f"{name} varchar" for name in _columns())
    con.execute(
        f"create table if not exists raw.{TABLE} (upload_id integer not null, row_number integer not null, {columns})"
    )
    con.execute(LOADS)


def pending() -> list[control.Upload]:
    with control.connect() as con:
        return [u for u in control.uploads(con, kind=KIND) if u.status == "accepted"]


def load_upload(con: duckdb.DuckDBPyConnection, upload: control.Upload) -> int:
    """One file in one transaction, replacing the current file of its agency, survey and period."""
    at = upload.loaded_at or control.now()
    path = staged_dir(upload.upload_id) / f"{TABLE}.parquet"
    if not path.exists():
        raise FileNotFoundError(f"the staged rows of upload {upload.upload_id} are missing")
    columns = ", ".join(_columns())
    key = [upload.agency_cd, upload.subject, upload.quarter]
    con.execute("begin transaction")
    try:
        replaced = [
            row[0]
            for row in con.execute(
                "select upload_id from raw.survey_loads where agency_cd = ? and survey_id = ? and period = ?", key
            ).fetchall()
        ]
        for old in (*replaced, upload.upload_id):
            con.execute(f"delete from raw.{TABLE} where upload_id = ?", [old])
            con.execute("delete from raw.survey_loads where upload_id = ?", [old])
        con.execute(
            f"insert into raw.{TABLE} (upload_id, row_number, {columns}) "
            f"select ?, row_number, {columns} from read_parquet(?)",
            [upload.upload_id, str(path)],
        )
        rows = con.execute(f"select count(*) from raw.{TABLE} where upload_id = ?", [upload.upload_id]).fetchone()[0]
        con.execute(
            "insert into raw.survey_loads values (?, ?, ?, ?, ?, cast(? as timestamptz))",
            [upload.upload_id, *key, upload.sha256, at],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    _mark_loaded(upload, at)
    return rows


def _mark_loaded(upload: control.Upload, at: str) -> None:
    """This upload loaded, and every other accepted or loaded one of its key superseded by it."""
    with control.connect() as con:
        con.execute("begin immediate")
        con.execute(
            "update uploads set status = 'superseded', superseded_by = ? where kind = ? and agency_cd = ?"
            " and subject = ? and quarter = ? and status in ('accepted', 'loaded') and upload_id < ?",
            (upload.upload_id, KIND, upload.agency_cd, upload.subject, upload.quarter, upload.upload_id),
        )
        con.execute("update uploads set status = 'loaded', loaded_at = ? where upload_id = ?", (at, upload.upload_id))
        control.audit(
            con,
            "accueil",
            "upload_loaded",
            f"upload:{upload.upload_id}",
            kind=KIND,
            survey=upload.subject,
            period=upload.quarter,
        )
        con.execute("commit")


def load_pending(con: duckdb.DuckDBPyConnection) -> list[tuple[int, int]]:
    """(upload id, rows) of every accepted survey file not loaded yet, oldest first."""
    ensure_schema(con)
    return [(upload.upload_id, load_upload(con, upload)) for upload in pending()]
