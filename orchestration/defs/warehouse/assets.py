"""The dbt project as Dagster assets, and the published snapshot that follows a successful build."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from accueil import config
from accueil.access.followups import open_days
from accueil.build_progress import Recorder
from accueil.publish import publish
from orchestration import dbt_project_state, reference_models
from orchestration.build import current_build_id
from orchestration.dbt_child import tracked
from orchestration.dbt_stream import NodeResults, events_with_progress
from orchestration.defs.resources import BuildSessionResource

dbt_project = DbtProject(project_dir=config.REPO_ROOT / "warehouse", profiles_dir=config.REPO_ROOT / "warehouse")


class AccueilTranslator(DagsterDbtTranslator):
    """dbt's `raw` sources keep their default keys (raw/<table>), the keys the ingest assets produce.

    dbt's data tests are not Dagster asset checks.  Dagster's SQLite event log costs about
    65 ms a stored event here (a new connection and a synced commit each), and 618 tests
    as checks were about 1,900 events: two thirds of a small build's time and 35 s of one
    more quarter at national scale.  They still run inside `dbt build`: a failing test
    fails the asset, so nothing is published, and the build log names it.
    """

    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=False))

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str:
        return "warehouse"


class WarehouseBuildConfig(dg.Config):
    """`accueil build --full-refresh`: rebuild every model from the raw tables, and test every row."""

    full_refresh: bool = False


# dbt's unit tests check the SQL on hand-made rows, not the data: they change only with the
# code, so CI runs them (tests/test_measures.py) and a build does not pay for them every load.
@dbt_assets(
    manifest=dbt_project.manifest_path,
    dagster_dbt_translator=AccueilTranslator(),
    pool="warehouse",
    exclude="test_type:unit",
)
def warehouse_models(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    build_session: BuildSessionResource,
    config: WarehouseBuildConfig,
):
    # Incremental unless asked, or unless the models that keep rows were written by another
    # version of the project (orchestration/dbt_project_state.py).
    digest, built = dbt_project_state.sources_digest(), dbt_project_state.built_by()
    reason = (
        "asked for (--full-refresh)" if config.full_refresh else dbt_project_state.full_refresh_reason(digest, built)
    )
    if reason:
        context.log.info(f"Rebuilding every model and testing every row: {reason}.")
    days, _ = open_days()
    partnership = dbt_project_state.partnership_vars(days)
    # dbt's own debug log would go to the clone's warehouse/logs, shared by every home, at about
    # 10 ms a node; dbt's output is kept in the home (logs/dbt-build.log), so none is written.
    # Nor are its manifest and run_results.json: the events say what was read from them (orchestration/dbt_stream.py).
    args = ["build", "--log-level-file", "none", "--no-write-json", *partnership]
    reuse = not reason and built == digest and not context.is_subset  # a subset from the UI keeps dbt's selection
    # A subset neither compares nor records the reference models' inputs (below): it needs no digest of them.
    inputs = None
    if not context.is_subset:
        inputs = reference_models.inputs_digest(
            reference_models.source_tables(REFERENCE_ONLY, DEPS, dbt_project.manifest_path), digest, partnership
        )
    if reason:
        args.append("--full-refresh")
    left_out = [dbt_project_state.SEEDS] if reuse else []
    if reuse and inputs == reference_models.recorded():
        left_out += REFERENCE_MODELS
        context.log.info(
            f"{len(REFERENCE_MODELS)} models read no extract and their inputs are unchanged: left as built."
        )
    else:
        reference_models.forget()
    args += dbt_project_state.leave_out(left_out)
    invocation = dbt.cli(args, context=context)
    # Recorded in the home while it runs, and stopped if this step stops reading it (orchestration/dbt_child.py).
    results = NodeResults()
    with tracked(invocation.process):
        yield from events_with_progress(invocation, Recorder(current_build_id()), results)
    results.write(invocation.target_path)
    tests = results.tests()
    warned = sorted(r["unique_id"] for r in tests if r["status"] == "warn")
    context.log.info(f"dbt data tests: {len(tests) - len(warned)} passed, {len(warned)} warned")
    if warned:
        context.log.warning("dbt tests that warned: " + ", ".join(warned))
    # Reached only when dbt succeeded: stream() raises on a failed model or test.  A subset from
    # the UI built some models only: it says nothing of what built the others.
    if not context.is_subset:
        dbt_project_state.record_built(digest)
        reference_models.record(inputs)


# Each dbt node's direct upstream keys (sources, seeds, models).
DEPS = {s.key: [d.asset_key for d in s.deps] for s in warehouse_models.specs}
# The models, by key and by dbt name.
MODEL_NAMES = {
    s.key: s.metadata["dagster_dbt/unique_id"].split(".")[-1]
    for s in warehouse_models.specs
    if s.metadata["dagster_dbt/unique_id"].startswith("model.")
}
# Seeds, and the models that read no extract, however far up (orchestration/reference_models.py).
REFERENCE_ONLY = reference_models.reference_only(DEPS)
REFERENCE_MODELS = sorted(MODEL_NAMES[key] for key in REFERENCE_ONLY if key in MODEL_NAMES)
# What follows the build depends on these: the models every build runs. An incremental build
# loads no seed again (`dbt_project_state.SEEDS`) and may leave out the reference-only
# models, and Dagster skips a step that depends on an output its run did not yield.
MODEL_KEYS = [key for key in MODEL_NAMES if key not in REFERENCE_ONLY]


@dg.asset(
    key=["published", "snapshot"],
    group_name="publish",
    # After the baseline audit too, so that the snapshot's audited state matches its baselines.
    deps=[*MODEL_KEYS, dg.AssetKey(["indicators", "baseline_audit"])],
    pool="warehouse",
    description="Read-only snapshot (marts and reference) that the dashboards and `accueil sql` read.",
)
def published_snapshot(build_session: BuildSessionResource) -> dg.MaterializeResult:
    path = publish()
    return dg.MaterializeResult(
        metadata={"path": dg.MetadataValue.path(str(path)), "size_mb": round(path.stat().st_size / 1e6, 2)}
    )
