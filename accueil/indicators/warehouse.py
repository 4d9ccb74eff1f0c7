"""Load accepted indicator files into the warehouse, and audit every change of a baseline.

Observations are versioned: each accepted file's rows are appended under its upload id
and never deleted, so a corrected value is a newer version of the same indicator x
geography x period and the old one stays queryable (int_indicator_observation_versions).
The council's baselines file is replaced whole by the newest one; the seed
indicator_baselines gives the defaults it overrides.

Only the pipeline calls this module; it is DuckDB's single writer.
"""

from __future__ import annotations

import duckdb

from accueil import control
from accueil.indicators.files import BASELINES, OBSERVATIONS, FileSpec
from accueil.indicators.submit import KIND, staged_file

LOADS = """
create table if not exists raw.indicator_loads (
    upload_id  integer primary key,
    file_kind  varchar not null,
    sha256     varchar not null,
    received_by varchar not null,
    loaded_at  timestamp not null
)"""

# The effective baselines as of the last audit: what the next build's are compared with.
BASELINE_STATE = """
create table if not exists raw.indicator_baseline_state (
    indicator_code  varchar not null,
    geography_code  varchar not null,
    baseline_period varchar,
    target_value    double,
    target_date     date,
    baseline_source varchar,
    primary key (indicator_code, geography_code)
)"""

EFFECTIVE_BASELINES = "intermediate.int_indicator_baselines"


def _create(con: duckdb.DuckDBPyConnection, spec: FileSpec) -> None:
    columns = ", ".join(f"{name} varchar" for name in spec.names)
    con.execute(
        f"create table if not exists raw.{spec.table} (upload_id integer not null, row_number integer not null, "
        f"{columns})"
    )


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """The raw tables dbt's `indicators` source reads exist even before the first file is loaded."""
    con.execute("create schema if not exists raw")
    _create(con, OBSERVATIONS)
    _create(con, BASELINES)
    con.execute(LOADS)
    con.execute(BASELINE_STATE)


def pending() -> list[control.Upload]:
    """Accepted indicator files not loaded yet, oldest first (a newer file supersedes an older one)."""
    with control.connect() as con:
        return [u for u in control.uploads(con, kind=KIND) if u.status == "accepted"]


def load_upload(con: duckdb.DuckDBPyConnection, upload: control.Upload) -> tuple[str, int]:
    """One file in one transaction: observations are appended, baselines replace the previous file.

    The warehouse and the register get the same load time, and a file restored from a backup
    keeps the one the register gives it: the marts show it, and a warehouse rebuilt after a
    restore must equal the original (accueil.ops.restore)."""
    at = upload.loaded_at or control.now()
    found = staged_file(upload.upload_id)
    if found is None:
        raise FileNotFoundError(f"the staged rows of upload {upload.upload_id} are missing")
    spec, path = found
    columns = ", ".join(spec.names)
    con.execute("begin transaction")
    try:
        if spec is BASELINES:
            con.execute(f"delete from raw.{spec.table}")
        else:
            con.execute(f"delete from raw.{spec.table} where upload_id = ?", [upload.upload_id])
        con.execute(
            f"insert into raw.{spec.table} (upload_id, row_number, {columns}) "
            f"select ?, row_number, {columns} from read_parquet(?)",
            [upload.upload_id, str(path)],
        )
        rows = con.execute(f"select count(*) from raw.{spec.table} where upload_id = ?", [upload.upload_id]).fetchone()
        con.execute("delete from raw.indicator_loads where upload_id = ?", [upload.upload_id])
        con.execute(
            "insert into raw.indicator_loads values (?, ?, ?, ?, cast(? as timestamptz))",
            [upload.upload_id, spec.kind, upload.sha256, upload.received_by, at],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    _mark_loaded(upload, spec, at)
    return spec.kind, rows[0]


def _mark_loaded(upload: control.Upload, spec: FileSpec, at: str | None = None) -> None:
    at = at or control.now()
    with control.connect() as con:
        con.execute("begin immediate")
        if spec is BASELINES:
            # Only the newest baselines file counts; older observation files stay current, row by row.
            loaded = con.execute(
                "select upload_id from uploads where kind = ? and status = 'loaded' and upload_id <> ?",
                (KIND, upload.upload_id),
            ).fetchall()
            for (other,) in loaded:
                found = staged_file(other)
                if found is not None and found[0] is BASELINES:
                    con.execute(
                        "update uploads set status = 'superseded', superseded_by = ? where upload_id = ?",
                        (upload.upload_id, other),
                    )
        con.execute(
            "update uploads set status = 'loaded', loaded_at = coalesce(loaded_at, ?) where upload_id = ?",
            (at, upload.upload_id),
        )
        control.audit(
            con, "pipeline", "upload_loaded", f"upload:{upload.upload_id}", file=spec.kind, sha256=upload.sha256
        )
        con.execute("commit")


def load_pending(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str, int]]:
    ensure_schema(con)
    reconcile(con)
    done = []
    for upload in pending():
        kind, rows = load_upload(con, upload)
        done.append((upload.upload_id, kind, rows))
    return done


def reconcile(con: duckdb.DuckDBPyConnection) -> None:
    """After a crash between the warehouse commit and the register update, trust the warehouse."""
    loaded = {r[0] for r in con.execute("select upload_id from raw.indicator_loads").fetchall()}
    for upload in pending():
        if upload.upload_id in loaded:
            found = staged_file(upload.upload_id)
            if found is not None:
                _mark_loaded(upload, found[0])


def audit_baseline_changes(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Compare the effective baselines dbt just built with the last audited ones; log each change.

    Runs after dbt, on its int_indicator_baselines, so the rule that merges the seed with the
    council's file is written once (in SQL).  A change made by editing the seed is recorded
    with actor 'seed'; one made by a council file, with the person who uploaded it.
    """
    ensure_schema(con)
    changes = con.execute(
        f"""
        with new as (
            select indicator_code, geography_code, baseline_period, target_value, target_date,
                   baseline_source, upload_id
            from {EFFECTIVE_BASELINES}
        ),
        old as (select * from raw.indicator_baseline_state)
        select
            coalesce(new.indicator_code, old.indicator_code) as indicator_code,
            coalesce(new.geography_code, old.geography_code) as geography_code,
            old.baseline_period as old_period, old.target_value as old_target, old.target_date as old_date,
            old.baseline_source as old_source,
            new.baseline_period as new_period, new.target_value as new_target, new.target_date as new_date,
            new.baseline_source as new_source, new.upload_id,
            loads.received_by
        from new
        full outer join old using (indicator_code, geography_code)
        left join raw.indicator_loads as loads on loads.upload_id = new.upload_id
        where old.baseline_period is distinct from new.baseline_period
           or old.target_value is distinct from new.target_value
           or old.target_date is distinct from new.target_date
        order by 1, 2
        """
    ).fetchall()
    records = []
    with control.connect() as ctl:
        for row in changes:
            (code, geo, old_period, old_target, old_date, old_source) = row[:6]
            (new_period, new_target, new_date, new_source, upload_id, received_by) = row[6:]
            record = {
                "indicator": code,
                "geography": geo,
                "before": None
                if old_period is None and old_target is None
                else {"baseline_period": old_period, "target_value": old_target, "target_date": old_date},
                "after": None
                if new_period is None and new_target is None
                else {"baseline_period": new_period, "target_value": new_target, "target_date": new_date},
                "source": new_source or old_source,
                "upload": upload_id,
            }
            actor = received_by or ("seed" if (new_source or old_source) == "seed" else "pipeline")
            control.audit(ctl, actor, "indicator_baseline_changed", f"indicator:{code}/{geo}", **record)
            records.append(record)
    con.execute("begin transaction")
    try:
        con.execute("delete from raw.indicator_baseline_state")
        con.execute(
            f"""insert into raw.indicator_baseline_state
                select indicator_code, geography_code, baseline_period, target_value, target_date, baseline_source
                from {EFFECTIVE_BASELINES}"""
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return records
