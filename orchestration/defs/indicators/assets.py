"""The council's indicator files in the warehouse, and the audit of baseline changes after dbt.

`indicator_files` loads every accepted observations or baselines file not loaded yet (and
creates the raw tables dbt's `indicators` source reads, so dbt never fails on a warehouse
that has no indicator file yet).  `baseline_audit` runs after dbt and writes each change of
the baselines in force to the audit log.
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from accueil.indicators.warehouse import audit_baseline_changes, load_pending
from orchestration.defs.resources import BuildSessionResource
from orchestration.defs.warehouse.assets import MODEL_KEYS

OBSERVATIONS_KEY = dg.AssetKey(["indicators", "indicator_observations"])
BASELINES_KEY = dg.AssetKey(["indicators", "indicator_baselines"])
LOADS_KEY = dg.AssetKey(["indicators", "indicator_loads"])


@dg.multi_asset(
    name="indicator_files",
    specs=[
        dg.AssetSpec(key, group_name="ingest", kinds={"duckdb"}, description=text)
        for key, text in (
            (OBSERVATIONS_KEY, "Every accepted indicator observations file, appended (versioned)."),
            (BASELINES_KEY, "The council's newest accepted baselines file."),
            (LOADS_KEY, "Which indicator files are loaded."),
        )
    ],
    pool="warehouse",
)
def indicator_files(context: dg.AssetExecutionContext, warehouse: DuckDBResource, build_session: BuildSessionResource):
    with warehouse.get_connection() as con:
        loaded = load_pending(con)
    for upload_id, kind, rows in loaded:
        context.log.info(f"loaded indicator {kind} upload {upload_id}: {rows} rows")
    summary = {"files loaded": len(loaded), "uploads": dg.MetadataValue.json([u for u, _, _ in loaded])}
    for key in (OBSERVATIONS_KEY, BASELINES_KEY, LOADS_KEY):
        yield dg.MaterializeResult(asset_key=key, metadata=summary)


@dg.asset(
    key=["indicators", "baseline_audit"],
    group_name="publish",
    deps=MODEL_KEYS,
    pool="warehouse",
    description="Every change of the baselines and targets in force, written to the audit log.",
)
def baseline_audit(warehouse: DuckDBResource, build_session: BuildSessionResource) -> dg.MaterializeResult:
    with warehouse.get_connection() as con:
        changes = audit_baseline_changes(con)
    return dg.MaterializeResult(metadata={"changes": len(changes)})
