"""Smoke run of `accueil bench` on a small region: the real harness end to end, no timing assertions."""

from __future__ import annotations

import json
import os
from dataclasses import replace

import pytest

from accueil.bench.report import render, write_results
from accueil.bench.run import run_bench
from accueil.bench.scales import BenchOptions


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench")
    options = BenchOptions.for_scale(
        "region",
        years=1,
        work=folder / "work",
        results=folder / "results.json",
        docs=folder / "benchmarks.md",
        agencies=3,
        quarters=2,
        clients=600,
        command="pytest tests/test_bench.py",
    )
    options = replace(options, dashboard_repeats=3)  # latency is not asserted: every query once or more is enough
    before = os.environ.get("ACCUEIL_HOME")
    result = run_bench(options, log=lambda _: None)
    return options, result, (before, os.environ.get("ACCUEIL_HOME"))


@pytest.mark.slow
def test_the_results_file_has_every_figure_and_each_is_sane(bench_run):
    options, _, _ = bench_run
    results = json.loads(options.results.read_text())
    region = results["region"]
    for key in ("full_build_s", "peak_rss_gb", "incremental_quarter_s", "baseline_s", "upload_validate_s", "build_s"):
        assert region[key] > 0, key
    assert results["dashboard"]["p95_ms"] > 0
    assert results["dashboard"]["p95_ms"] >= results["dashboard"]["p50_ms"]
    assert results["dashboard"]["scale"] == "region"
    assert region["full_build_s"] >= region["upload_validate_s"] + region["build_s"] * 0.99
    assert region["machine"]["cores"] >= 1 and region["machine"]["memory_gb"] > 0
    assert region["sizes"]["extracts"] == 5  # 3 agencies x 2 quarters, one held back for the incremental run
    assert region["validation"]["files"] == 5
    assert region["validation"]["rows"] == region["sizes"]["rows"] > 0
    assert 0 < region["validation"]["gx_share"] <= 1
    # One GX run per batch of files, shared out by cells: a sheet with rows has a share of it.
    per_sheet = region["validation"]["per_sheet"].values()
    assert all(sheet["gx_s"] > 0 for sheet in per_sheet if sheet["rows"] > 0)
    assert all(sheet["gx_s"] >= 0 and sheet["rows"] >= 0 for sheet in per_sheet)
    assert region["build"]["load_runs"] == 2  # the agency reference, then every waiting extract in one run
    assert region["build"]["dbt_run_s"] > 0 and region["build"]["dbt_wall_s"] >= region["build"]["dbt_run_s"]
    assert region["incremental"]["build"]["load_runs"] == 1
    split = region["split"]
    assert set(split) == {
        "great_expectations_s",
        "validation_other_s",
        "duckdb_load_s",
        "dagster_s",
        "dbt_parse_s",
        "dbt_run_s",
        "publish_s",
    }
    assert sum(split.values()) == pytest.approx(region["full_build_s"], rel=0.05)


@pytest.mark.slow
def test_the_baseline_agrees_with_the_pipeline_on_the_headline_figures(bench_run):
    _, result, _ = bench_run
    agreement = result["agreement"]
    assert agreement["agree"], agreement
    for part in ("outputs", "outcomes"):
        assert agreement[part]["cells_compared"] > 0
        assert agreement[part]["mismatch_count"] == 0
        assert agreement[part]["baseline_only_cells"] == 0


@pytest.mark.slow
def test_the_page_lists_each_figure_and_leaves_national_unmeasured(bench_run):
    options, result, (home_before, home_after) = bench_run
    page = options.docs.read_text()
    assert page == render(json.loads(options.results.read_text()))
    assert "## National scale\n\nNot yet measured." in page
    assert f"{result['full_build_s']:,.2f} s" in page or f"{result['full_build_s']:,.0f} s" in page
    # The bench ran in its own ACCUEIL_HOME and gave the caller's back.
    assert home_after == home_before


def test_a_region_run_keeps_the_national_dashboard_figure(tmp_path):
    path = tmp_path / "results.json"

    def run(p95: float) -> dict:
        return {"dashboard": {"p50_ms": p95 / 2, "p95_ms": p95}}

    assert write_results(path, "region", run(10.0), "r")["dashboard"] == {"scale": "region", **run(10.0)["dashboard"]}
    write_results(path, "national", run(80.0), "n")
    results = write_results(path, "region", run(12.0), "r")
    assert results["dashboard"] == {"scale": "national", "p50_ms": 40.0, "p95_ms": 80.0}
    assert results["region"]["dashboard"]["p95_ms"] == 12.0
