"""Where the time of `orchestration.build.run_build` goes, measured around the calls it makes.

The build runs in this process, so the probe wraps, for the duration of one build, the
functions the build looks up at call time: `dagster.materialize` (each Dagster run),
the DuckDB load of the waiting uploads, `prepare_manifest` (the explicit `dbt parse`) and the
publish step.  dbt itself runs in a subprocess; its split between start-up and parsing
and running the models comes from its events, which the build keeps in run_results.json's shape
(orchestration/dbt_stream.py, NODE_RESULTS: `generated_at - invocation_started_at` is the whole
invocation, `elapsed_time` the part after parsing, each node's `timing` when it ran), read just
before the build deletes dagster-dbt's per-run target folders.  Whatever none of these account
for is Dagster and Python overhead.  accueil/bench/split.py shares the wall time out between them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from accueil.bench.split import wall_by_class


@dataclass
class BuildProbe:
    started: float = 0.0
    started_epoch: float = 0.0  # node results older than this belong to earlier builds
    wall_s: float = 0.0
    manifest_s: float = 0.0
    load_runs: list[float] = field(default_factory=list)
    transform_runs: list[float] = field(default_factory=list)
    duckdb_load_s: float = 0.0
    publish_s: float = 0.0
    dbt_runs: list[dict] = field(default_factory=list)

    def summary(self) -> dict:
        load_runs_s = sum(self.load_runs)
        transform_s = sum(self.transform_runs)
        dbt_wall = sum(r["wall_s"] for r in self.dbt_runs)
        dbt_run = sum(r["run_s"] for r in self.dbt_runs)
        accounted = self.manifest_s + load_runs_s + transform_s
        by_class = [wall_by_class(r["intervals"]) for r in self.dbt_runs]
        classes = {cls: sum(run[cls] for run in by_class) for cls in by_class[0]} if by_class else {}
        # The part of dbt's run (after its parse) when no node ran: scheduling, connections.
        between = sum(r["run_s"] - sum(b.values()) for r, b in zip(self.dbt_runs, by_class, strict=True))
        return {
            "wall_s": round(self.wall_s, 3),
            "dbt_parse_manifest_s": round(self.manifest_s, 3),
            "load_runs": len(self.load_runs),
            "load_runs_s": round(load_runs_s, 3),
            "duckdb_load_s": round(self.duckdb_load_s, 3),
            "dagster_load_overhead_s": round(load_runs_s - self.duckdb_load_s, 3),
            "transform_run_s": round(transform_s, 3),
            "dbt_wall_s": round(dbt_wall, 3),
            "dbt_startup_parse_s": round(dbt_wall - dbt_run, 3),
            "dbt_run_s": round(dbt_run, 3),
            "publish_s": round(self.publish_s, 3),
            "dagster_transform_overhead_s": round(transform_s - dbt_wall - self.publish_s, 3),
            "other_s": round(self.wall_s - accounted, 3),
            "dbt_slowest_nodes": _slowest(self.dbt_runs),
            "dbt_seconds_by_type": _by_type(self.dbt_runs),
            "dbt_wall_by_class": {cls: round(seconds, 3) for cls, seconds in classes.items()},
            "dbt_between_nodes_s": round(max(between, 0.0), 3),
        }


def _by_type(runs: list[dict]) -> dict[str, float]:
    """Execution time summed per node type (model, test, unit_test, seed): what a leaner build could skip."""
    totals: dict[str, float] = {}
    for run in runs:
        for name, seconds in run["nodes"]:
            kind = name.split(".")[0]
            totals[kind] = totals.get(kind, 0.0) + seconds
    return {kind: round(seconds, 3) for kind, seconds in sorted(totals.items())}


def _slowest(runs: list[dict], n: int = 5) -> list[list]:
    nodes = [node for run in runs for node in run["nodes"]]
    return [[name, round(seconds, 3)] for name, seconds in sorted(nodes, key=lambda x: -x[1])[:n]]


def _timed(record: Callable[[float], None], function: Callable) -> Callable:
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            record(time.perf_counter() - started)

    return wrapper


@contextmanager
def _replaced(owner, name: str, replacement) -> Iterator[None]:
    original = getattr(owner, name)
    setattr(owner, name, replacement)
    try:
        yield
    finally:
        setattr(owner, name, original)


def _timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def read_run_results(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    meta = data["metadata"]
    wall = (_timestamp(meta["generated_at"]) - _timestamp(meta["invocation_started_at"])).total_seconds()
    nodes = [(r["unique_id"], float(r.get("execution_time") or 0.0)) for r in data["results"]]
    intervals = []  # (unique id, start, end) in seconds since the epoch: compile and execute
    for r in data["results"]:
        timing = [t for t in r.get("timing") or () if t.get("started_at") and t.get("completed_at")]
        if timing:
            start = min(_timestamp(t["started_at"]) for t in timing).timestamp()
            end = max(_timestamp(t["completed_at"]) for t in timing).timestamp()
            intervals.append((r["unique_id"], start, end))
    return {"wall_s": wall, "run_s": float(data["elapsed_time"]), "nodes": nodes, "intervals": intervals}


@contextmanager
def probe_build() -> Iterator[BuildProbe]:
    """Wrap the build's calls while the block runs; the probe holds the figures afterwards."""
    import dagster as dg

    import orchestration.build as build

    probe = BuildProbe()
    original_materialize = dg.materialize
    original_manifest = build.prepare_manifest
    original_clean = build._clean_dbt_targets

    def add(attribute: str) -> Callable[[float], None]:
        def record(seconds: float) -> None:
            setattr(probe, attribute, getattr(probe, attribute) + seconds)

        return record

    with ExitStack() as stack:

        def materialize(assets, *args, **kwargs):
            from orchestration.defs.warehouse.assets import warehouse_models

            started = time.perf_counter()
            try:
                return original_materialize(assets, *args, **kwargs)
            finally:
                runs = probe.transform_runs if warehouse_models in assets else probe.load_runs
                runs.append(time.perf_counter() - started)

        def prepare_manifest():
            started = time.perf_counter()
            result = original_manifest()
            probe.manifest_s += time.perf_counter() - started
            # The asset modules need the manifest to import: wrap their calls only now.
            from orchestration.defs.ingest import assets as ingest_assets
            from orchestration.defs.warehouse import assets as warehouse_assets

            if not hasattr(ingest_assets.load_uploads, "__bench_wrapped__"):
                load = _timed(add("duckdb_load_s"), ingest_assets.load_uploads)
                publish = _timed(add("publish_s"), warehouse_assets.publish)
                load.__bench_wrapped__ = publish.__bench_wrapped__ = True
                stack.enter_context(_replaced(ingest_assets, "load_uploads", load))
                stack.enter_context(_replaced(warehouse_assets, "publish", publish))
            return result

        def clean() -> None:
            from orchestration.dbt_stream import NODE_RESULTS

            for path in sorted(build._dbt_targets().glob(f"*/{NODE_RESULTS}")):
                if path.stat().st_mtime >= probe.started_epoch:
                    probe.dbt_runs.append(read_run_results(path))
            original_clean()

        stack.enter_context(_replaced(dg, "materialize", materialize))
        stack.enter_context(_replaced(build, "prepare_manifest", prepare_manifest))
        stack.enter_context(_replaced(build, "_clean_dbt_targets", clean))
        probe.started_epoch = time.time()
        probe.started = time.perf_counter()
        try:
            yield probe
        finally:
            probe.wall_s = time.perf_counter() - probe.started
