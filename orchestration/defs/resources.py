"""Where the pipeline keeps its state; the warehouse is opened by one writer at a time."""

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
from dagster_duckdb import DuckDBResource

from accueil import config


def warehouse_resource() -> DuckDBResource:
    return DuckDBResource(database=str(config.warehouse_path()))


class BuildSessionResource(dg.ConfigurableResource):
    """The home's build lock and build record, held for a whole run by every asset that writes.

    The daemon's runs and `accueil build` then take turns: a run started while a build holds
    the lock waits for it (DuckDB has one writer, and a published snapshot must come from one
    finished build).  Runs use the in-process executor, so the session spans the run, and a
    failed step is written to the build record as the reason, for the agency page and
    `accueil status`.
    """

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator["BuildSessionResource"]:
        from orchestration.build import ORIGIN_TAG, build_session

        origin = (context.dagster_run.tags.get(ORIGIN_TAG) if context.dagster_run else None) or "service"

        def waiting() -> None:
            context.log.info("Another build holds this home's build lock: waiting for it to finish.")

        with build_session(origin, wait=True, on_wait=waiting) as build:
            yield self
            if build.failure is None and context.instance is not None and context.run_id:
                build.failure = _step_failure(context.instance, context.run_id)


def _step_failure(instance: dg.DagsterInstance, run_id: str) -> str | None:
    """The first failed step of the run and the error that started it, in one line."""
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE):
        event = record.dagster_event
        error = getattr(event.event_specific_data, "error", None) if event else None
        # Dagster wraps the asset's own exception ("Error occurred while executing op ..."): the
        # innermost cause is what an operator can act on.
        while error is not None and error.cause is not None:
            error = error.cause
        message = (error.message.strip().splitlines() or [""])[0] if error else ""
        return f"{event.step_key if event else 'a step'} failed: {message}"[:500]
    return None
