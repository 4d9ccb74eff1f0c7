"""All of Accueil's Dagster code in one Definitions: `dagster dev -m orchestration.definitions`."""

import os

import dagster as dg

from accueil import config
from orchestration.dbt_child import executable as dbt_executable
from orchestration.dbt_resource import AccueilDbtResource
from orchestration.defs.indicators.assets import baseline_audit, indicator_files
from orchestration.defs.ingest.assets import agency_reference, extracts
from orchestration.defs.ingest.sensors import inbox_sensor
from orchestration.defs.jobs import publish_job, transform_job
from orchestration.defs.resources import BuildSessionResource, warehouse_resource
from orchestration.defs.surveys.assets import survey_files
from orchestration.defs.warehouse.assets import dbt_project, published_snapshot, warehouse_models

# dbt runs in a subprocess and finds the warehouse through this variable (warehouse/profiles.yml).
os.environ.setdefault("ACCUEIL_WAREHOUSE", str(config.warehouse_path()))


def resources() -> dict:
    """Built from ACCUEIL_HOME as it is now, so that one process can serve several homes (tests)."""
    return {
        "warehouse": warehouse_resource(),
        # The venv's dbt, whether or not the venv is activated, as a child that dies with the build.
        "dbt": AccueilDbtResource(project_dir=dbt_project, dbt_executable=str(dbt_executable())),
        "build_session": BuildSessionResource(),
    }


defs = dg.Definitions(
    assets=[
        extracts,
        agency_reference,
        indicator_files,
        survey_files,
        warehouse_models,
        baseline_audit,
        published_snapshot,
    ],
    jobs=[publish_job, transform_job],
    sensors=[inbox_sensor],
    resources=resources(),
    # A run materialized from the UI holds the build session once, like the jobs' runs.
    executor=dg.in_process_executor,
)
