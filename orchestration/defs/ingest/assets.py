"""Load accepted uploads into the warehouse's raw schema: one asset per sheet's table.

Extract tables are partitioned by agency x quarter; the agency reference tables are
not.  Each table carries the Great Expectations result of its sheet as an asset check.
"""

import json
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from accueil import control
from accueil.contract import Contract, agencies_contract, extract_contract
from accueil.ingest.warehouse import ensure_schema, load_upload
from orchestration.defs.partitions import extract_partitions

GX_CHECK = "great_expectations"


def table_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", table])


def newest_accepted(kind: str, agency: str = "", quarter: str = "") -> control.Upload | None:
    """The upload the partition should hold: the newest one that passed validation."""
    with control.connect() as con:
        rows = [
            u
            for u in control.uploads(con, kind=kind, agency=agency or None)
            if u.quarter == quarter and u.status in ("accepted", "loaded")
        ]
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


def _load(context, warehouse: DuckDBResource, contract: Contract, upload: control.Upload):
    with warehouse.get_connection() as con:
        ensure_schema(con)
        loaded = con.execute(
            "select upload_id from raw.loads where kind = ? and agency_cd = ? and quarter = ?",
            [upload.kind, upload.agency_cd, upload.quarter],
        ).fetchone()
        if loaded and loaded[0] == upload.upload_id:
            context.log.info(f"upload {upload.upload_id} is already the loaded version")
            counts = {}
        else:
            counts = load_upload(con, upload)
    summary = validation_summary(upload)
    for sheet in contract.sheets:
        key = table_key(sheet.table)
        result = summary["sheets"].get(sheet.name, {"evaluated": 0, "failed": 0, "cells": 0})
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                "upload_id": upload.upload_id,
                "sha256": upload.sha256,
                "file_name": upload.file_name,
                "rows": counts.get(sheet.table, -1),
            },
        )
        yield dg.AssetCheckResult(
            asset_key=key,
            check_name=GX_CHECK,
            passed=result["failed"] == 0,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "expectations evaluated": result["evaluated"],
                "expectations failed": result["failed"],
                "cells checked": result["cells"],
                "report": dg.MetadataValue.path(upload.report_html),
            },
        )


_extract_specs, _extract_checks = _specs(extract_contract())
_reference_specs, _reference_checks = _specs(agencies_contract())


@dg.multi_asset(
    name="extracts",
    specs=_extract_specs,
    check_specs=_extract_checks,
    partitions_def=extract_partitions,
    pool="warehouse",
)
def extracts(context: dg.AssetExecutionContext, warehouse: DuckDBResource):
    """The current accepted extract of one agency and quarter, replacing the previous one atomically."""
    keys = context.partition_key.keys_by_dimension
    upload = newest_accepted("extract", keys["agency"], keys["quarter"])
    if upload is None:
        raise dg.Failure(description=f"No accepted extract for {keys['agency']} {keys['quarter']}.")
    yield from _load(context, warehouse, extract_contract(), upload)


@dg.multi_asset(name="agency_reference", specs=_reference_specs, check_specs=_reference_checks, pool="warehouse")
def agency_reference(context: dg.AssetExecutionContext, warehouse: DuckDBResource):
    """Agencies, sites, programs and funding from the newest accepted reference file."""
    upload = newest_accepted("agencies")
    if upload is None:
        raise dg.Failure(description="No accepted agency reference file: run `accueil agencies load` first.")
    yield from _load(context, warehouse, agencies_contract(), upload)
