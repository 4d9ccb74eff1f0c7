"""dbt's events as Dagster's, with the build's progress and each node's result recorded as they come.

dagster-dbt's `stream()` turns each of dbt's events into Dagster's and hides the events themselves;
the count of finished nodes (accueil/build_progress.py) and each node's result are read from those,
so this walks them with dagster-dbt's public parts (`stream_raw_events`, then each event's
`to_default_asset_events`, as `stream()` does).

dbt runs with `--no-write-json`: it wrote its manifest (and graph) twice per build, after parsing
and again at the end, about 0.9 s of one core on each build's critical path whatever the data
(bench/findings.md), for files nothing read.  What the build did read from run_results.json, the
tests' statuses here and each node's timing for the benchmark, is in dbt's result events: `NodeResults`
keeps them and writes them in run_results.json's shape (NODE_RESULTS) for the benchmark's probe.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliInvocation

from accueil.build_progress import Recorder

# Beside the invocation's partial parse, deleted with its target folder (orchestration/build.py).
NODE_RESULTS = "node_results.json"
RESULT_EVENTS = ("LogModelResult", "LogTestResult", "LogHookEndLine", "LogSnapshotResult", "LogSeedResult")


@dataclass
class NodeResults:
    """Each node's result and timing from dbt's events, and the invocation's start, end and run time."""

    started_at: str = ""  # dbt's first event: its invocation starts (its imports done)
    finished_at: str = ""  # its last event
    elapsed_s: float = 0.0  # its own time for the nodes and hooks ("Finished running ... in")
    results: list[dict] = field(default_factory=list)

    def see(self, event: dict) -> None:
        info, data = event.get("info", {}), event.get("data", {})
        stamp, name = info.get("ts", ""), info.get("name", "")
        self.started_at = self.started_at or stamp
        self.finished_at = stamp or self.finished_at
        if name == "FinishedRunningStats":
            self.elapsed_s = float(data.get("execution_time") or 0.0)
        elif name in RESULT_EVENTS and data.get("node_info", {}).get("unique_id"):
            node = data["node_info"]
            started, finished = _utc(node.get("node_started_at")), _utc(node.get("node_finished_at"))
            self.results.append(
                {
                    "unique_id": node["unique_id"],
                    "status": str(data.get("status") or node.get("node_status", "")).lower(),
                    "execution_time": float(data.get("execution_time") or 0.0),
                    "timing": [{"started_at": started, "completed_at": finished}] if started and finished else [],
                }
            )

    def tests(self) -> list[dict]:
        return [r for r in self.results if r["unique_id"].startswith("test.")]

    def write(self, target: Path) -> None:
        """run_results.json's fields that accueil/bench/probe.py reads, under NODE_RESULTS.  Only the
        benchmark reads them: a disk that refuses the file costs it that, never the build."""
        document = {
            "metadata": {"invocation_started_at": self.started_at, "generated_at": self.finished_at},
            "elapsed_time": self.elapsed_s,
            "results": self.results,
        }
        with suppress(OSError):
            (target / NODE_RESULTS).write_text(json.dumps(document), encoding="utf-8")


def _utc(stamp: str | None) -> str | None:
    """A node's start or end as run_results.json writes it: UTC, marked so (its events leave the Z off)."""
    return stamp + "Z" if stamp and not stamp.endswith("Z") and "+" not in stamp else stamp or None


def events_with_progress(invocation: DbtCliInvocation, recorder: Recorder, results: NodeResults) -> Iterator:
    """Every Dagster event of `invocation` but the observations: without asset checks, dagster-dbt
    reports each test as an observation of every table it reads, as many stored events as the
    checks were; the build's log and its summary line stand for them."""
    try:
        for raw in invocation.stream_raw_events():
            info = raw.raw_event.get("info", {})
            recorder.see(info.get("name", ""), info.get("msg", ""))
            results.see(raw.raw_event)
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
