"""The dbt project as Dagster assets, and the published snapshot that follows a successful build."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from accueil import config
from accueil.publish import publish

dbt_project = DbtProject(project_dir=config.REPO_ROOT / "warehouse", profiles_dir=config.REPO_ROOT / "warehouse")


class AccueilTranslator(DagsterDbtTranslator):
    """dbt's `raw` sources keep their default keys (raw/<table>), the keys the ingest assets produce."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str:
        return "warehouse"


# dbt's unit tests check the SQL on hand-made rows, not the data: they change only with the
# code, so CI runs them (tests/test_measures.py) and a build does not pay for them every load.
@dbt_assets(
    manifest=dbt_project.manifest_path,
    dagster_dbt_translator=AccueilTranslator(),
    pool="warehouse",
    exclude="test_type:unit",
)
def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    yield from dbt.cli(["build"], context=context).stream()


@dg.asset(
    key=["published", "snapshot"],
    group_name="publish",
    # After the baseline audit too, so that the snapshot's audited state matches its baselines.
    deps=[warehouse_models, dg.AssetKey(["indicators", "baseline_audit"])],
    pool="warehouse",
    description="Read-only copy of the warehouse that the dashboards and `accueil sql` read.",
)
def published_snapshot() -> dg.MaterializeResult:
    path = publish()
    return dg.MaterializeResult(
        metadata={"path": dg.MetadataValue.path(str(path)), "size_mb": round(path.stat().st_size / 1e6, 2)}
    )
