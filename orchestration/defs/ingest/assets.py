"""Load accepted uploads into the warehouse's raw schema: one asset per sheet's table.

A run of `extracts` loads every accepted extract not loaded yet, in one transaction;
`agency_reference` loads the newest reference file.  Each table carries the Great
Expectations result of its sheet as an asset check.

The extract tables are not Dagster partitions, although they are keyed by agency and
quarter.  Dagster's SQLite event log commits every event on its own (about 20 ms on
this kind of disk) and a partition costs some 25 events (materializations, checks and
their planned events for ten tables): 2,000 partitions, one national year, spent close
to an hour in Dagster's bookkeeping alone.  The upload register (`accueil uploads`) and
`raw.loads` keep the per-partition history; each materialization names the uploads it
loaded.
"""

import json
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from accueil import control
from accueil.contract import Contract, agencies_contract, extract_contract
from accueil.ingest.warehouse import ensure_schema, load_uploads, reconcile
from orchestration.defs.resources import BuildSessionResource

GX_CHECK = "great_expectations"


def table_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", table])


def newest_reference() -> control.Upload | None:
    """The reference file the tables should hold: the newest one that passed validation."""
    with control.connect() as con:
        rows = [u for u in control.uploads(con, kind="agencies") if u.status in ("accepted", "loaded")]
    return rows[-1] if rows else None


def validation_summary(upload: control.Upload) -> dict:
    return json.loads(Path(upload.report_html).with_suffix(".json").read_text(encoding="utf-8"))


def _specs(contract: Contract) -> tuple[list[dg.AssetSpec], list[dg.AssetCheckSpec]]:
    specs = [
        dg.AssetSpec(
            table_key(s.table),
            group_name="ingest",
            kinds={"duckdb"},
            description=f"Sheet '{s.name}' of the current accepted uploads, validated text.",
        )
        for s in contract.sheets
    ]
    checks = [
        dg.AssetCheckSpec(
            GX_CHECK, asset=table_key(s.table), description=f"Great Expectations suite of the sheet '{s.name}'"
        )
        for s in contract.sheets
    ]
    return specs, checks


def _load(context, warehouse: DuckDBResource, contract: Contract, uploads: list[control.Upload]):
    """Load the uploads in one transaction, then report every table and its GX check once."""
    with warehouse.get_connection() as con:
        ensure_schema(con)
        loaded = {row[0] for row in con.execute("select upload_id from raw.loads").fetchall()}
        waiting = [u for u in uploads if u.upload_id not in loaded]
        for upload in uploads:
            if upload.upload_id in loaded:
                context.log.info(f"upload {upload.upload_id} is already the loaded version")
        counts = load_uploads(con, waiting)
    summaries = [validation_summary(upload) for upload in waiting]
    provenance = dg.MetadataValue.json([[u.agency_cd, u.quarter, u.upload_id, u.sha256] for u in waiting])
    for sheet in contract.sheets:
        key = table_key(sheet.table)
        results = [s["sheets"].get(sheet.name, {"evaluated": 0, "failed": 0, "cells": 0}) for s in summaries]
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                "uploads loaded": len(waiting),
                "rows loaded": sum(c.get(sheet.table, 0) for c in counts.values()),
                "uploads (agency, quarter, upload id, sha256)": provenance,
            },
        )
        failed = sum(r["failed"] for r in results)
        yield dg.AssetCheckResult(
            asset_key=key,
            check_name=GX_CHECK,
            passed=failed == 0,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "expectations evaluated": sum(r["evaluated"] for r in results),
                "expectations failed": failed,
                "cells checked": sum(r["cells"] for r in results),
                "reports": dg.MetadataValue.json([u.report_html for u in waiting]),
            },
        )


_extract_specs, _extract_checks = _specs(extract_contract())
_reference_specs, _reference_checks = _specs(agencies_contract())


@dg.multi_asset(name="extracts", specs=_extract_specs, check_specs=_extract_checks, pool="warehouse")
def extracts(context: dg.AssetExecutionContext, warehouse: DuckDBResource, build_session: BuildSessionResource):
    """Every accepted extract not loaded yet, each replacing its agency and quarter's previous version."""
    with warehouse.get_connection() as con:
        ensure_schema(con)
        reconcile(con)  # a build killed after the warehouse's commit left the register behind
    with control.connect() as con:
        waiting = control.pending(con, "extract")
    yield from _load(context, warehouse, extract_contract(), waiting)


@dg.multi_asset(name="agency_reference", specs=_reference_specs, check_specs=_reference_checks, pool="warehouse")
def agency_reference(context: dg.AssetExecutionContext, warehouse: DuckDBResource, build_session: BuildSessionResource):
    """Agencies, sites, programs and funding from the newest accepted reference file."""
    upload = newest_reference()
    if upload is None:
        raise dg.Failure(description="No accepted agency reference file: run `accueil agencies load` first.")
    yield from _load(context, warehouse, agencies_contract(), [upload])
