"""Load accepted uploads into the DuckDB warehouse, one transaction per upload.

The `raw` schema holds the extracts as received (validated, normalised text), one
table per contract sheet, keyed by agency and quarter.  Loading a partition deletes
its previous rows and inserts the new ones in the same transaction: a crash or a
kill at any point leaves the previous version in place.  Only the pipeline calls
this module; it is DuckDB's single writer.
"""

from __future__ import annotations

import duckdb

from accueil import config, control
from accueil.contract import Contract, Sheet, agencies_contract, extract_contract
from accueil.ingest.submit import staged_dir

LOADS_TABLE = """
create table if not exists raw.loads (
    kind        varchar not null,
    agency_cd   varchar not null,
    quarter     varchar not null,
    upload_id   integer not null,
    sha256      varchar not null,
    loaded_at   timestamp not null,
    primary key (kind, agency_cd, quarter)
)"""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _create_table(con: duckdb.DuckDBPyConnection, sheet: Sheet, partitioned: bool) -> None:
    keys = "agency_cd varchar not null, quarter varchar not null, " if partitioned else ""
    columns = ", ".join(f"{_quote(c)} varchar" for c in sheet.column_names)
    con.execute(
        f"create table if not exists raw.{sheet.table} ({keys}upload_id integer not null, "
        f"row_number integer not null, {columns})"
    )


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists raw")
    for sheet in extract_contract().sheets:
        _create_table(con, sheet, partitioned=True)
    for sheet in agencies_contract().sheets:
        _create_table(con, sheet, partitioned=False)
    con.execute(LOADS_TABLE)


def connect() -> duckdb.DuckDBPyConnection:
    path = config.warehouse_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    ensure_schema(con)
    return con


def _insert(con: duckdb.DuckDBPyConnection, contract: Contract, upload: control.Upload) -> dict[str, int]:
    folder = staged_dir(upload.upload_id)
    counts = {}
    partitioned = upload.kind == "extract"
    for sheet in contract.sheets:
        source = str(folder / f"{sheet.table}.parquet")
        columns = ", ".join(_quote(c) for c in sheet.column_names)
        keys = "agency_cd, quarter, " if partitioned else ""
        values = "?, ?, " if partitioned else ""
        params = [upload.agency_cd, upload.quarter] if partitioned else []
        con.execute(
            f"insert into raw.{sheet.table} ({keys}upload_id, row_number, {columns}) "
            f"select {values}?, row_number, {columns} from read_parquet(?)",
            [*params, upload.upload_id, source],
        )
        counts[sheet.table] = con.execute(
            f"select count(*) from raw.{sheet.table} where upload_id = ?", [upload.upload_id]
        ).fetchone()[0]
    return counts


def load_upload(con: duckdb.DuckDBPyConnection, upload: control.Upload) -> dict[str, int]:
    """Replace the upload's partition (agency and quarter; the whole reference for agencies) atomically."""
    contract = extract_contract() if upload.kind == "extract" else agencies_contract()
    con.execute("begin transaction")
    try:
        for sheet in contract.sheets:
            if upload.kind == "extract":
                con.execute(
                    f"delete from raw.{sheet.table} where agency_cd = ? and quarter = ?",
                    [upload.agency_cd, upload.quarter],
                )
            else:
                con.execute(f"delete from raw.{sheet.table}")
        counts = _insert(con, contract, upload)
        con.execute(
            "delete from raw.loads where kind = ? and agency_cd = ? and quarter = ?",
            [upload.kind, upload.agency_cd, upload.quarter],
        )
        con.execute(
            "insert into raw.loads values (?, ?, ?, ?, ?, now())",
            [upload.kind, upload.agency_cd, upload.quarter, upload.upload_id, upload.sha256],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    mark_loaded(upload)
    return counts


def mark_loaded(upload: control.Upload) -> None:
    """Record in the register what the warehouse now holds (after its commit)."""
    with control.connect() as con:
        con.execute("begin immediate")
        con.execute(
            "update uploads set status = 'superseded', superseded_by = ? where kind = ? and agency_cd = ? and "
            "quarter = ? and upload_id <> ? and status in ('loaded', 'accepted')",
            (upload.upload_id, upload.kind, upload.agency_cd, upload.quarter, upload.upload_id),
        )
        con.execute(
            "update uploads set status = 'loaded', loaded_at = ? where upload_id = ?", (control.now(), upload.upload_id)
        )
        control.audit(
            con,
            "pipeline",
            "upload_loaded",
            f"upload:{upload.upload_id}",
            agency=upload.agency_cd,
            quarter=upload.quarter,
            sha256=upload.sha256,
        )
        con.execute("commit")


def reconcile(con: duckdb.DuckDBPyConnection) -> int:
    """After a crash between the warehouse commit and the register update, trust the warehouse."""
    fixed = 0
    loaded = con.execute("select upload_id from raw.loads").fetchall()
    with control.connect() as ctl:
        for (upload_id,) in loaded:
            upload = control.get_upload(ctl, upload_id)
            if upload is not None and upload.status == "accepted":
                fixed += 1
                mark_loaded(upload)
    return fixed
