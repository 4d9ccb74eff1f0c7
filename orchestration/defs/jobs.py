"""Jobs.  The service runs `publish`: whatever is waiting, loaded, built and published in one run.

In-process: the build session (orchestration/defs/resources.py) is then held once for the
whole run, and a run pays Python's start-up once instead of once per step.
"""

import dagster as dg

from orchestration.defs.indicators.assets import baseline_audit, indicator_files
from orchestration.defs.ingest.assets import agency_reference, extracts
from orchestration.defs.surveys.assets import survey_files
from orchestration.defs.warehouse.assets import published_snapshot, warehouse_models

TRANSFORM = [indicator_files, survey_files, warehouse_models, baseline_audit, published_snapshot]

publish_job = dg.define_asset_job(
    "publish",
    selection=[agency_reference, extracts, *TRANSFORM],
    executor_def=dg.in_process_executor,
    description="Load every accepted upload and indicator file not loaded yet, build the dbt models, publish.",
)
transform_job = dg.define_asset_job("transform_and_publish", selection=TRANSFORM, executor_def=dg.in_process_executor)
