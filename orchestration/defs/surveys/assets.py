"""Client feedback files in the warehouse: every accepted survey file not loaded yet.

Loaded in the same run as dbt, like the council's indicator files: they are small, and dbt's
`surveys` source reads the raw table, which this asset creates even before the first file so
that dbt never fails on a warehouse that has none.
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from accueil.ingest.survey_warehouse import load_pending
from orchestration.defs.resources import BuildSessionResource

RESPONSES_KEY = dg.AssetKey(["surveys", "survey_responses"])
LOADS_KEY = dg.AssetKey(["surveys", "survey_loads"])


@dg.multi_asset(
    name="survey_files",
    specs=[
        dg.AssetSpec(key, group_name="ingest", kinds={"duckdb"}, description=text)
        for key, text in (
            (RESPONSES_KEY, "The current client feedback file of each agency, survey and period."),
            (LOADS_KEY, "Which client feedback files are loaded."),
        )
    ],
    pool="warehouse",
)
def survey_files(context: dg.AssetExecutionContext, warehouse: DuckDBResource, build_session: BuildSessionResource):
    with warehouse.get_connection() as con:
        loaded = load_pending(con)
    for upload_id, rows in loaded:
        context.log.info(f"loaded survey upload {upload_id}: {rows} responses")
    summary = {"files loaded": len(loaded), "uploads": dg.MetadataValue.json([u for u, _ in loaded])}
    for key in (RESPONSES_KEY, LOADS_KEY):
        yield dg.MaterializeResult(asset_key=key, metadata=summary)
