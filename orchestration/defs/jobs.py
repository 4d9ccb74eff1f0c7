"""Jobs: load the pending extracts, load the reference data, then transform and publish."""

import dagster as dg

from orchestration.defs.indicators.assets import baseline_audit, indicator_files
from orchestration.defs.ingest.assets import agency_reference, extracts
from orchestration.defs.warehouse.assets import published_snapshot, warehouse_models

load_extract_job = dg.define_asset_job("load_extracts", selection=[extracts])
load_reference_job = dg.define_asset_job("load_agency_reference", selection=[agency_reference])
transform_job = dg.define_asset_job(
    "transform_and_publish", selection=[indicator_files, warehouse_models, baseline_audit, published_snapshot]
)
