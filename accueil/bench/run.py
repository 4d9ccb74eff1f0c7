"""The benchmark, in order: generate, upload and build everything, query, baseline, one more
quarter from two agencies (.xlsx, then .zip), a correction of the second published by the running
service, and a full rebuild to check the incremental marts against."""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import psutil

from accueil import config
from accueil.bench.baseline import run_baseline
from accueil.bench.dashboard import measure as measure_dashboard
from accueil.bench.equality import check as check_against_full_rebuild
from accueil.bench.failure import BenchFailed
from accueil.bench.headline import compare
from accueil.bench.held_back import FORMATS, generated
from accueil.bench.homes import bench_home
from accueil.bench.memory import PeakRss
from accueil.bench.probe import probe_build
from accueil.bench.report import write_docs, write_results
from accueil.bench.scales import BenchOptions
from accueil.bench.service_path import corrected_copy, through_the_service
from accueil.bench.split import build_split, full_build_split
from accueil.quarters import Quarter

USER = "bench"


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


def incremental_quarter(path: Path, fmt: str) -> dict:
    """One agency's quarter, upload to published: validated through the door, then `accueil build`."""
    from accueil.ingest.submit import submit_extract
    from orchestration.commands import build_with_progress

    agency, quarter = path.stem.split("_")
    with PeakRss() as rss:
        started = time.perf_counter()
        submission = submit_extract(path, agency, Quarter.parse(quarter), USER)
        upload_s = time.perf_counter() - started
        if not submission.accepted:
            raise BenchFailed(f"the held-back extract {path.name} was rejected; its report: {submission.report_html}")
        with probe_build() as probe:
            build_with_progress()  # as `accueil build` runs it
        seconds = time.perf_counter() - started
    build = probe.summary()
    return {
        "file": path.name,
        "format": fmt,
        "upload_to_published_s": round(seconds, 3),
        "upload_validate_s": round(upload_s, 3),
        "build": build,
        # Upload and validation, then the build by component: the parts add up to upload to published.
        "split": {"upload_validate_s": round(upload_s, 3), **build_split(build)},
        "peak_rss_gb": round(rss.peak_gb, 3),
    }


def _through_the_service(options: BenchOptions, held_back: Path, log: Callable[[str], None]) -> dict:
    log(f"a correction of {held_back.name} through the running service (`accueil serve`), upload to published ...")
    folder = options.work / "corrected"
    folder.mkdir(exist_ok=True)
    corrected = corrected_copy(held_back, folder / held_back.name)
    return through_the_service(corrected, USER, config.home() / "logs" / "bench-serve.log")


def run_bench(options: BenchOptions, log: Callable[[str], None] = print) -> dict:
    from accueil.ingest.batch import extract_files, submit_folder_with_bar
    from accueil.ingest.submit import submit_agencies
    from orchestration.commands import build_with_progress

    options.work.mkdir(parents=True, exist_ok=True)
    region = generated(options, log)
    data = region.data
    extracts = extract_files(data)
    workers = min(len(extracts), os.cpu_count() or 1)
    result: dict = {"measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine()}
    with bench_home(options.work / "home"):
        log(f"uploading and validating {len(extracts)} extracts with {workers} workers ...")
        with PeakRss() as rss:
            started = time.perf_counter()
            if not submit_agencies(data / "agencies.xlsx", USER).accepted:
                raise BenchFailed("the generated agency reference file was rejected")
            statuses = submit_folder_with_bar(data, USER, jobs=workers)
            upload_s = time.perf_counter() - started
            rejected = [name for name, status, _ in statuses if status != "accepted"]
            if rejected:
                named = ", ".join(rejected[:5]) + (", ..." if len(rejected) > 5 else "")
                raise BenchFailed(
                    f"{len(rejected)} generated extracts were rejected ({named}); their reports are in "
                    f"{config.reports_dir()}"
                )
            log("building (load, dbt, publish) ...")
            with probe_build() as build_probe:
                build_with_progress()
            full_build_s = time.perf_counter() - started
        validation = validation_figures(config.reports_dir(), upload_s, workers)
        build = build_probe.summary()
        log("timing the dashboard queries ...")
        dashboard = measure_dashboard(options.dashboard_repeats)
        log("running the bare DuckDB baseline ...")
        with PeakRss() as baseline_rss:
            baseline = run_baseline(extracts, options.work / "baseline")
        agreement = compare(baseline.outputs, baseline.outcomes)
        # One after the other, the workbook first: each is a build on the warehouse the one
        # before it left, as when two agencies send their quarter on the same day.
        incremental = {}
        for fmt in FORMATS:
            late = region.held_back[fmt]
            log(f"one more quarter as .{fmt}: {late.name}, upload to published ...")
            incremental[fmt] = incremental_quarter(late, fmt)
        # The way agencies meet it: no build by hand, the service's sensor and run instead.
        service = _through_the_service(options, region.held_back["zip"], log) if options.service else None
        log("rebuilding a copy of the warehouse from scratch, to compare its marts with the incremental ones ...")
        equality = check_against_full_rebuild(options.work / "full-rebuild")
    full_refresh = equality.pop("full_refresh_build")
    copy_s = equality.pop("copy_s")

    rows = validation["rows"]
    result |= {
        "sizes": {
            "agencies": options.agencies,
            "quarters": options.quarters,
            "clients": options.clients,
            "extracts": len(extracts),
            "rows": rows,
            "generated_records": region.truth["rows"],
        },
        "generate_s": None if region.generate_s is None else round(region.generate_s, 3),
        "full_build_s": round(full_build_s, 3),
        "peak_rss_gb": round(rss.peak_gb, 3),
        "upload_validate_s": round(upload_s, 3),
        "build_s": build["wall_s"],
        "split": full_build_split(upload_s, validation, build),
        "validation": validation,
        "load": {
            "rows": rows,
            "duckdb_s": build["duckdb_load_s"],
            "duckdb_rows_per_s": round(rows / build["duckdb_load_s"], 1) if build["duckdb_load_s"] else 0.0,
            "dagster_runs_s": build["load_runs_s"],
            "rows_per_s": round(rows / build["load_runs_s"], 1) if build["load_runs_s"] else 0.0,
        },
        "build": build,
        # The .zip's figures keep the keys they had when it was the only held-back file.
        "incremental_quarter_s": incremental["zip"]["upload_to_published_s"],
        "incremental_quarter_xlsx_s": incremental["xlsx"]["upload_to_published_s"],
        "incremental": incremental["zip"],
        "incremental_xlsx": incremental["xlsx"],
        "incremental_order": list(FORMATS),
        "incremental_equals_full": equality,
        "full_refresh_build_s": full_refresh["wall_s"],
        "full_refresh": {"copy_s": copy_s, "build": full_refresh, "split": build_split(full_refresh)},
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
    if service:
        result |= {"incremental_quarter_service_s": service["upload_to_published_s"], "incremental_service": service}
    results = write_results(options.results, options.scale, result, command=options.command)
    write_docs(options.docs, results)
    return result
