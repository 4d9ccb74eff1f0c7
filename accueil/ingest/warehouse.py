"""Load accepted uploads into the DuckDB warehouse, one transaction per upload.

The `raw` schema holds the extracts as received (validated, normalised text), one
table per contract sheet, keyed by agency and quarter.  Loading a batch of uploads
deletes their partitions' previous rows and inserts the new ones in the same
transaction: a crash or a kill at any point leaves the previous versions in place.  Only the pipeline calls
this module; it is DuckDB's single writer.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from accueil import config, control
from accueil.contract import Sheet, agencies_contract, extract_contract
from accueil.ingest import abandoned
from accueil.ingest.arrow import create_table
from accueil.ingest.submit import staged_dir
from accueil.sql_text import identifier

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


def _create_table(con: duckdb.DuckDBPyConnection, sheet: Sheet, partitioned: bool) -> None:
    keys = "agency_cd varchar not null, quarter varchar not null, " if partitioned else ""
    columns = ", ".join(f"{identifier(c)} varchar" for c in sheet.column_names)
    con.execute(
        f"create table if not exists raw.{sheet.table} ({keys}upload_id integer not null, "
        f"row_number integer not null, {columns})"
    )
    if not partitioned:
        # A warehouse made before agencies_v2 gains its new Sites columns (blank until the next file).
        for name in sheet.column_names:
            con.execute(f"alter table raw.{sheet.table} add column if not exists {identifier(name)} varchar")


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
    # SET, not connect(config=...): DuckDB refuses a second connection to the same file with
    # a different configuration, and read-only readers in this process open it plainly.
    con.execute("set memory_limit = ?", [config.duckdb_memory_limit()])
    ensure_schema(con)
    return con


def _batch(con: duckdb.DuckDBPyConnection, uploads: list[control.Upload], at: str) -> None:
    """The uploads being loaded, as a temporary table the set-based statements below join on.

    An upload keeps the load time the register already gives it (one restored from a backup
    is loaded again, but was first loaded then); the others are loaded `at` now."""
    rows = {
        "upload_id": pa.array([u.upload_id for u in uploads], pa.int32()),
        "agency_cd": pa.array([u.agency_cd for u in uploads], pa.string()),
        "quarter": pa.array([u.quarter for u in uploads], pa.string()),
        "sha256": pa.array([u.sha256 for u in uploads], pa.string()),
        "folder": pa.array([str(staged_dir(u.upload_id)) for u in uploads], pa.string()),
        "loaded_at": pa.array([u.loaded_at or at for u in uploads], pa.string()),
    }
    create_table(con, "load_batch", pa.table(rows), temporary=True)


def _replace_sheet(con: duckdb.DuckDBPyConnection, sheet: Sheet, uploads: list[control.Upload], partitioned: bool):
    """One delete and one insert for the sheet, whatever the number of uploads: DuckDB's per-statement
    cost and a scan of the table per upload are what made loading thousands of extracts slow."""
    if partitioned:
        con.execute(
            f"delete from raw.{sheet.table} t using load_batch b where t.agency_cd = b.agency_cd "
            "and t.quarter = b.quarter"
        )
    else:
        con.execute(f"delete from raw.{sheet.table}")
    files = [str(staged_dir(u.upload_id) / f"{sheet.table}.parquet") for u in uploads]
    columns = ", ".join(identifier(c) for c in sheet.column_names)
    selected = ", ".join(f"p.{identifier(c)}" for c in sheet.column_names)
    keys, key_values = ("agency_cd, quarter, ", "b.agency_cd, b.quarter, ") if partitioned else ("", "")
    # union_by_name: an empty sheet's columns are typed null in its Parquet file, others' varchar.
    con.execute(
        f"insert into raw.{sheet.table} ({keys}upload_id, row_number, {columns}) "
        f"select {key_values}b.upload_id, p.row_number, {selected} "
        "from read_parquet(?, filename = true, union_by_name = true) p "
        f"join load_batch b on p.filename = b.folder || '/{sheet.table}.parquet'",
        [files],
    )


def load_uploads(con: duckdb.DuckDBPyConnection, uploads: list[control.Upload]) -> dict[int, dict[str, int]]:
    """Replace each upload's partition (agency and quarter; the whole reference for agencies), all in
    one transaction: a crash or a kill at any point leaves every previous version in place.

    Returns the rows loaded per upload and table.
    """
    if not uploads:
        return {}
    kinds = {u.kind for u in uploads}
    if len(kinds) != 1 or (kinds != {"extract"} and len(uploads) != 1):
        raise ValueError("one batch loads extracts, or exactly one agency reference file")
    partitioned = kinds == {"extract"}
    contract = extract_contract() if partitioned else agencies_contract()
    counts: dict[int, dict[str, int]] = {u.upload_id: {} for u in uploads}
    at = control.now()
    con.execute("begin transaction")
    try:
        _batch(con, uploads, at)
        for sheet in contract.sheets:
            _replace_sheet(con, sheet, uploads, partitioned)
            for upload_id, rows in con.execute(
                f"select b.upload_id, count(t.upload_id) from load_batch b "
                f"left join raw.{sheet.table} t on t.upload_id = b.upload_id group by b.upload_id"
            ).fetchall():
                counts[upload_id][sheet.table] = rows
        con.execute(
            "delete from raw.loads l using load_batch b where l.kind = ? and l.agency_cd = b.agency_cd "
            "and l.quarter = b.quarter",
            [uploads[0].kind],
        )
        con.execute(
            "insert into raw.loads select ?, agency_cd, quarter, upload_id, sha256, cast(loaded_at as timestamptz) "
            "from load_batch",
            [uploads[0].kind],
        )
        con.execute("drop table load_batch")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    mark_loaded(uploads, at)
    return counts


def load_upload(con: duckdb.DuckDBPyConnection, upload: control.Upload) -> dict[str, int]:
    """Replace one upload's partition atomically; the rows loaded per table."""
    return load_uploads(con, [upload])[upload.upload_id]


def mark_loaded(uploads: list[control.Upload], at: str | None = None) -> None:
    """Record in the register what the warehouse now holds (after its commit), in one SQLite transaction.

    A load time already in the register is kept: it is when the upload was first loaded, and a
    warehouse rebuilt after a restore must show the same (accueil.ops.restore)."""
    at = at or control.now()
    with control.connect() as con:
        con.execute("begin immediate")
        for upload in uploads:
            con.execute(
                "update uploads set status = 'superseded', superseded_by = ? where kind = ? and agency_cd = ? and "
                "quarter = ? and upload_id <> ? and status in ('loaded', 'accepted')",
                (upload.upload_id, upload.kind, upload.agency_cd, upload.quarter, upload.upload_id),
            )
            con.execute(
                "update uploads set status = 'loaded', loaded_at = coalesce(loaded_at, ?) where upload_id = ?",
                (at, upload.upload_id),
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
    """After a crash between the warehouse commit and the register update, trust the warehouse;
    and no upload is left `received` by a process that died (accueil.ingest.abandoned)."""
    abandoned.home_ready()
    loaded = con.execute("select upload_id from raw.loads").fetchall()
    with control.connect() as ctl:
        uploads = [control.get_upload(ctl, upload_id) for (upload_id,) in loaded]
    unmarked = [u for u in uploads if u is not None and u.status == "accepted"]
    if unmarked:
        mark_loaded(unmarked)
    return len(unmarked)
