"""The benchmark, in order: generate, upload and build everything, query, baseline, one more quarter."""

from __future__ import annotations

import json
import os
import platform
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import psutil

from accueil import config
from accueil.bench.baseline import run_baseline
from accueil.bench.dashboard import measure as measure_dashboard
from accueil.bench.headline import compare
from accueil.bench.memory import PeakRss
from accueil.bench.probe import probe_build
from accueil.bench.report import write_docs, write_results
from accueil.bench.scales import BenchOptions
from accueil.quarters import Quarter

USER = "bench"


@contextmanager
def _home(home: Path) -> Iterator[None]:
    """A fresh ACCUEIL_HOME of the bench's own; the caller's environment comes back afterwards."""
    names = ("ACCUEIL_HOME", "DAGSTER_HOME", "ACCUEIL_WAREHOUSE")
    saved = {name: os.environ.get(name) for name in names}
    shutil.rmtree(home, ignore_errors=True)
    os.environ["ACCUEIL_HOME"] = str(home)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def machine() -> dict:
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            model = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), "")
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 1e9, 1),
        "cpu": model or platform.processor(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        # The machine may be shared: the load when the run started says how much it was.
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "versions": {p: version(p) for p in ("duckdb", "dbt-core", "dagster", "dagster-dbt", "great-expectations")},
    }


def generated(options: BenchOptions, log: Callable[[str], None]) -> tuple[Path, Path, dict, float | None]:
    """The region's extracts (minus one agency's last quarter, held back), reused when the sizes match."""
    from accueil.generate import GenerateOptions, generate

    data, late = options.work / "data", options.work / "late"
    wanted = {
        "seed": options.seed,
        "agencies": options.agencies,
        "quarters": options.quarters,
        "clients": options.clients,
        "start": str(options.start),
        "format": "zip",
    }
    stamp = options.work / "generated.json"
    if stamp.exists() and json.loads(stamp.read_text())["options"] == wanted:
        recorded = json.loads(stamp.read_text())
        return data, late / recorded["late"], json.loads((data / "truth.json").read_text()), None
    shutil.rmtree(data, ignore_errors=True)
    shutil.rmtree(late, ignore_errors=True)
    log(f"generating {options.agencies} agencies x {options.quarters} quarters, {options.clients:,} clients ...")
    started = time.perf_counter()
    truth = generate(
        GenerateOptions(
            out=data,
            seed=options.seed,
            agencies=options.agencies,
            quarters=options.quarters,
            clients=options.clients,
            start=options.start,
            format="zip",
        )
    )
    seconds = time.perf_counter() - started
    last = truth["quarters"][-1]
    held_back = sorted(f for f in truth["files"] if f.endswith(f"_{last}.zip"))[0]
    late.mkdir(parents=True)
    shutil.move(data / held_back, late / held_back)
    stamp.write_text(json.dumps({"options": wanted, "late": held_back, "generate_s": seconds}, indent=2) + "\n")
    return data, late / held_back, truth, seconds


def validation_figures(reports: Path, wall_s: float, workers: int) -> dict:
    """Validation throughput, from the timings each upload's summary holds (accueil.ingest.submit)."""
    files, summed, sheets = 0, 0.0, {}
    for path in sorted(reports.glob("*_extract_*.json")):
        summary = json.loads(path.read_text(encoding="utf-8"))
        files += 1
        summed += summary["validation_seconds"]
        for sheet, figures in summary["sheets"].items():
            entry = sheets.setdefault(sheet, {"rows": 0, "gx_s": 0.0})
            entry["rows"] += figures["rows"]
            entry["gx_s"] += figures["seconds"]
    rows = sum(s["rows"] for s in sheets.values())
    gx = sum(s["gx_s"] for s in sheets.values())
    return {
        "files": files,
        "rows": rows,
        "workers": workers,
        "wall_s": round(wall_s, 3),
        "rows_per_s": round(rows / wall_s, 1),
        "summed_validation_s": round(summed, 3),
        "summed_gx_s": round(gx, 3),
        "gx_share": round(gx / summed, 3) if summed else 0.0,
        "validation_per_file_s": round(summed / files, 3) if files else 0.0,
        "gx_per_file_s": round(gx / files, 3) if files else 0.0,
        "per_sheet": {
            sheet: {
                "rows": s["rows"],
                "gx_s": round(s["gx_s"], 3),
                "gx_rows_per_s": round(s["rows"] / s["gx_s"], 1) if s["gx_s"] else 0.0,
            }
            for sheet, s in sorted(sheets.items())
        },
    }


def split(upload_s: float, validation: dict, build: dict) -> dict:
    """The full build's wall time by component.

    Validation runs in parallel workers, so its wall time is shared out between GX and
    the rest of validation in proportion to their summed per-file times.
    """
    gx = upload_s * validation["gx_share"]
    return {
        "great_expectations_s": round(gx, 3),
        "validation_other_s": round(upload_s - gx, 3),
        "duckdb_load_s": build["duckdb_load_s"],
        "dagster_s": round(
            build["dagster_load_overhead_s"] + build["dagster_transform_overhead_s"] + build["other_s"], 3
        ),
        "dbt_parse_s": round(build["dbt_parse_manifest_s"] + build["dbt_startup_parse_s"], 3),
        "dbt_run_s": build["dbt_run_s"],
        "publish_s": build["publish_s"],
    }


def run_bench(options: BenchOptions, log: Callable[[str], None] = print) -> dict:
    from accueil.ingest.batch import extract_files, submit_folder
    from accueil.ingest.submit import submit_agencies, submit_extract
    from orchestration.build import run_build

    options.work.mkdir(parents=True, exist_ok=True)
    data, late, truth, generate_s = generated(options, log)
    extracts = extract_files(data)
    workers = min(len(extracts), os.cpu_count() or 1)
    result: dict = {"measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine()}
    with _home(options.work / "home"):
        log(f"uploading and validating {len(extracts)} extracts with {workers} workers ...")
        with PeakRss() as rss:
            started = time.perf_counter()
            if not submit_agencies(data / "agencies.xlsx", USER).accepted:
                raise RuntimeError("the generated agency reference file was rejected")
            statuses = submit_folder(data, USER, jobs=workers)
            upload_s = time.perf_counter() - started
            rejected = [name for name, status, _ in statuses if status != "accepted"]
            if rejected:
                raise RuntimeError(f"generated extracts were rejected: {rejected[:5]}")
            log("building (load, dbt, publish) ...")
            with probe_build() as build_probe:
                run_build()
            full_build_s = time.perf_counter() - started
        validation = validation_figures(config.reports_dir(), upload_s, workers)
        build = build_probe.summary()
        log("timing the dashboard queries ...")
        dashboard = measure_dashboard(options.dashboard_repeats)
        log("running the bare DuckDB baseline ...")
        with PeakRss() as baseline_rss:
            baseline = run_baseline(extracts, options.work / "baseline")
        agreement = compare(baseline.outputs, baseline.outcomes)
        agency, quarter = late.stem.split("_")
        log(f"one more quarter: {late.name}, upload to published ...")
        with PeakRss() as incremental_rss:
            started = time.perf_counter()
            submission = submit_extract(late, agency, Quarter.parse(quarter), USER)
            late_upload_s = time.perf_counter() - started
            if not submission.accepted:
                raise RuntimeError(f"the held-back extract {late.name} was rejected")
            with probe_build() as incremental_probe:
                run_build()
            incremental_s = time.perf_counter() - started

    rows = validation["rows"]
    result |= {
        "sizes": {
            "agencies": options.agencies,
            "quarters": options.quarters,
            "clients": options.clients,
            "extracts": len(extracts),
            "rows": rows,
            "generated_records": truth["rows"],
        },
        "generate_s": None if generate_s is None else round(generate_s, 3),
        "full_build_s": round(full_build_s, 3),
        "peak_rss_gb": round(rss.peak_gb, 3),
        "upload_validate_s": round(upload_s, 3),
        "build_s": build["wall_s"],
        "split": split(upload_s, validation, build),
        "validation": validation,
        "load": {
            "rows": rows,
            "duckdb_s": build["duckdb_load_s"],
            "duckdb_rows_per_s": round(rows / build["duckdb_load_s"], 1) if build["duckdb_load_s"] else 0.0,
            "dagster_runs_s": build["load_runs_s"],
            "rows_per_s": round(rows / build["load_runs_s"], 1) if build["load_runs_s"] else 0.0,
        },
        "build": build,
        "incremental_quarter_s": round(incremental_s, 3),
        "incremental": {
            "file": late.name,
            "upload_validate_s": round(late_upload_s, 3),
            "build": incremental_probe.summary(),
            "peak_rss_gb": round(incremental_rss.peak_gb, 3),
        },
        "baseline_s": round(baseline.seconds, 3),
        "baseline": {
            "unzip_s": round(baseline.unzip_s, 3),
            "sql_s": round(baseline.sql_s, 3),
            "peak_rss_gb": round(baseline_rss.peak_gb, 3),
            "extracts": len(extracts),
        },
        "ratio_pipeline_to_baseline": round(full_build_s / baseline.seconds, 2),
        "agreement": agreement,
        "dashboard": dashboard,
    }
    results = write_results(options.results, options.scale, result, command=options.command)
    write_docs(options.docs, results)
    return result
