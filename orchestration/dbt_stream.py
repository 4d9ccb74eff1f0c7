"""dbt's events as Dagster's, with the build's progress recorded as they come (accueil/build_progress.py).

dagster-dbt's `stream()` turns each of dbt's events into Dagster's and hides the events themselves;
the count of finished nodes is read from those, so this walks them with dagster-dbt's public parts
(`stream_raw_events`, then each event's `to_default_asset_events`, as `stream()` does).
"""

from __future__ import annotations

from collections.abc import Iterator

import dagster as dg
from dagster_dbt import DbtCliInvocation

from accueil.build_progress import Recorder


def events_with_progress(invocation: DbtCliInvocation, recorder: Recorder) -> Iterator:
    """Every Dagster event of `invocation` but the observations: without asset checks, dagster-dbt
    reports each test as an observation of every table it reads, as many stored events as the
    checks were; the build's log and its summary line stand for them."""
    try:
        for raw in invocation.stream_raw_events():
            info = raw.raw_event.get("info", {})
            recorder.see(info.get("name", ""), info.get("msg", ""))
            for event in raw.to_default_asset_events(
                manifest=invocation.manifest,
                dagster_dbt_translator=invocation.dagster_dbt_translator,
                context=invocation.context,
                target_path=invocation.target_path,
                project=invocation.project,
            ):
                if not isinstance(event, dg.AssetObservation):
                    yield event
    finally:
        recorder.close()
