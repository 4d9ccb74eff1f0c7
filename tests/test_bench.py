"""Smoke run of `accueil bench` on a small region: the real harness end to end, no timing assertions.

Then the parts on their own, fast: the held-back workbook, the split of dbt's wall clock,
and the comparison of two warehouses' marts when they differ.
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import replace

import duckdb
import pytest

from accueil.bench.equality import compare_marts
from accueil.bench.held_back import zip_to_workbook
from accueil.bench.report import render, write_results
from accueil.bench.run import run_bench
from accueil.bench.scales import BenchOptions
from accueil.bench.split import CLASSES, node_class, wall_by_class


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
    # Latency is not asserted: every query once or more is enough.  The service's own runs are
    # timed and split by tests/test_service.py, on its running service, with the same code.
    options = replace(options, dashboard_repeats=3, service=False)
    before = os.environ.get("ACCUEIL_HOME")
    result = run_bench(options, log=lambda _: None)
    return options, result, (before, os.environ.get("ACCUEIL_HOME"))


def _rounding(parts: dict) -> float:
    """How far a sum of figures each rounded to 1 ms may overshoot the total they split (also rounded)."""
    return (len(parts) + 1) * 0.0005 + 1e-9


@pytest.mark.slow
def test_the_results_file_has_every_figure_and_each_is_sane(bench_run):
    options, _, _ = bench_run
    results = json.loads(options.results.read_text())
    region = results["region"]
    for key in (
        "full_build_s",
        "peak_rss_gb",
        "incremental_quarter_s",
        "incremental_quarter_xlsx_s",
        "full_refresh_build_s",
        "baseline_s",
        "upload_validate_s",
        "build_s",
    ):
        assert region[key] > 0, key
    assert results["dashboard"]["p95_ms"] > 0
    assert results["dashboard"]["p95_ms"] >= results["dashboard"]["p50_ms"]
    assert results["dashboard"]["scale"] == "region"
    assert region["full_build_s"] >= region["upload_validate_s"] + region["build_s"] * 0.99
    assert region["machine"]["cores"] >= 1 and region["machine"]["memory_gb"] > 0
    assert region["sizes"]["extracts"] == 4  # 3 agencies x 2 quarters, two held back for the incremental runs
    assert region["validation"]["files"] == 4
    assert region["validation"]["rows"] == region["sizes"]["rows"] > 0
    assert 0 < region["validation"]["gx_share"] <= 1
    # One GX run per batch of files, shared out by cells: a sheet with rows has a share of it.
    per_sheet = region["validation"]["per_sheet"].values()
    assert all(sheet["gx_s"] > 0 for sheet in per_sheet if sheet["rows"] > 0)
    assert all(sheet["gx_s"] >= 0 and sheet["rows"] >= 0 for sheet in per_sheet)
    assert region["build"]["load_runs"] == 2  # the agency reference, then every waiting extract in one run
    assert region["build"]["dbt_run_s"] > 0 and region["build"]["dbt_wall_s"] >= region["build"]["dbt_run_s"]
    split = region["split"]
    build_parts = {"duckdb_load_s", "dbt_parse_s", "dbt_between_nodes_s", "publish_s", "dagster_s"}
    build_parts |= {f"dbt_{cls}_s" for cls in CLASSES}
    assert set(split) == {"great_expectations_s", "validation_other_s"} | build_parts
    assert sum(split.values()) == pytest.approx(region["full_build_s"], rel=0.05)
    for cls in ("seeds", "staging", "intermediate", "marts", "data_tests", "hooks"):
        assert split[f"dbt_{cls}_s"] > 0, cls


@pytest.mark.slow
def test_each_held_back_quarter_is_timed_upload_to_published_with_its_split(bench_run):
    options, _, _ = bench_run
    region = json.loads(options.results.read_text())["region"]
    assert region["incremental_order"] == ["xlsx", "zip"]
    runs = {"xlsx": region["incremental_xlsx"], "zip": region["incremental"]}
    assert region["incremental_quarter_xlsx_s"] == runs["xlsx"]["upload_to_published_s"]
    assert region["incremental_quarter_s"] == runs["zip"]["upload_to_published_s"]
    assert {run["file"].split("_")[0] for run in runs.values()} == {"AG001", "AG002"}  # two agencies
    for fmt, run in runs.items():
        assert run["format"] == fmt and run["file"].endswith(f"_2024Q2.{fmt}")
        assert run["build"]["load_runs"] == 1
        split = run["split"]
        assert split["upload_validate_s"] == run["upload_validate_s"] > 0
        # The parts add up to the wall time they split: never more than each part's rounding to 1 ms.
        assert sum(split.values()) <= run["upload_to_published_s"] + _rounding(split), fmt
        assert sum(v for k, v in split.items() if k != "upload_validate_s") == pytest.approx(
            run["build"]["wall_s"], abs=0.01
        )
        assert all(v >= 0 for k, v in split.items() if k != "dagster_s"), split
        for part in ("duckdb_load_s", "dbt_staging_s", "dbt_marts_s", "dbt_data_tests_s", "publish_s"):
            assert split[part] > 0, (fmt, part)
    full = region["full_refresh"]
    assert full["split"]["publish_s"] == 0 and full["build"]["load_runs"] == 0  # nothing to load, no publish
    assert sum(full["split"].values()) <= region["full_refresh_build_s"] + _rounding(full["split"])


@pytest.mark.slow
def test_the_incremental_marts_equal_a_full_rebuild_row_for_row(bench_run):
    options, result, _ = bench_run
    equality = result["incremental_equals_full"]
    assert equality["mismatched_tables"] == [], equality["mismatches"]
    assert equality["tables"] >= 10 and equality["rows"] > 0
    assert equality["excluded_columns"] == {}
    assert not (options.work / "full-rebuild").exists()  # removed once equal


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
    assert "| One agency's quarter as .xlsx, upload to published | 30 s |" in page
    assert "| One agency's quarter as .zip, upload to published | 30 s |" in page
    service_row = "| A correction through the running service, upload to published | 30 s | not measured in this run |"
    assert service_row in page
    assert f"| `{result['incremental_xlsx']['file']}` | `{result['incremental']['file']}` |" in page
    assert "| dbt marts (fct_, dim_) |" in page
    equality = result["incremental_equals_full"]
    assert f"**Equal**: {equality['tables']} tables, {equality['rows']:,} rows, row for row." in page
    assert f"{equality['tables']} tables, {equality['rows']:,} rows equal | met |" in page
    # The bench ran in its own ACCUEIL_HOME and gave the caller's back.
    assert home_after == home_before


@pytest.mark.slow
def test_a_result_from_before_the_xlsx_file_still_renders(bench_run):
    options, _, _ = bench_run
    results = json.loads(options.results.read_text())
    old = copy.deepcopy(results)
    for key in ("incremental_xlsx", "incremental_quarter_xlsx_s", "incremental_order", "incremental_equals_full"):
        del old["region"][key]
    page = render(old)
    assert "| One agency's quarter as .xlsx, upload to published | 30 s | not measured in this run | |" in page
    assert "one agency's last quarter held back for the incremental run." in page


def test_a_region_run_keeps_the_national_dashboard_figure(tmp_path):
    path = tmp_path / "results.json"

    def run(p95: float) -> dict:
        return {"dashboard": {"p50_ms": p95 / 2, "p95_ms": p95}}

    assert write_results(path, "region", run(10.0), "r")["dashboard"] == {"scale": "region", **run(10.0)["dashboard"]}
    write_results(path, "national", run(80.0), "n")
    results = write_results(path, "region", run(12.0), "r")
    assert results["dashboard"] == {"scale": "national", "p50_ms": 40.0, "p95_ms": 80.0}
    assert results["region"]["dashboard"]["p95_ms"] == 12.0


def test_the_held_back_workbook_is_the_one_the_generator_writes(tmp_path):
    from accueil.generate import GenerateOptions, generate

    for fmt in ("zip", "xlsx"):
        generate(GenerateOptions(out=tmp_path / fmt, agencies=2, quarters=1, clients=200, seed=3, format=fmt))
    name = "AG002_2024Q1"
    converted = zip_to_workbook(tmp_path / "zip" / f"{name}.zip", tmp_path / f"{name}.xlsx")
    assert converted.read_bytes() == (tmp_path / "xlsx" / f"{name}.xlsx").read_bytes()


def test_dbt_nodes_running_together_share_the_wall_clock():
    assert [node_class(u) for u in ("model.accueil.stg_a", "model.accueil.int_b", "model.accueil.fct_c")] == [
        "staging",
        "intermediate",
        "marts",
    ]
    assert node_class("model.accueil.dim_d") == "marts"
    assert node_class("test.accueil.not_null_x.abc123") == "data_tests"
    assert node_class("unit_test.accueil.fct_c.case") == "unit_tests"
    assert node_class("operation.accueil.accueil-on-run-end-0") == "hooks"
    assert node_class("seed.accueil.codes") == "seeds"
    shares = wall_by_class(
        [
            ("operation.accueil.accueil-on-run-start-0", 0.0, 1.0),
            ("model.accueil.stg_a", 1.0, 3.0),
            ("test.accueil.t1.x", 2.0, 4.0),  # beside the model from 2 to 3: each has half of that second
            ("test.accueil.t2.x", 6.0, 7.0),  # after a gap of 2 s, which is no class's
        ]
    )
    assert shares["hooks"] == 1.0 and shares["staging"] == 1.5 and shares["data_tests"] == 2.5
    assert sum(shares.values()) == 5.0  # the time when some node ran


def test_marts_that_differ_are_named_with_what_differs(tmp_path):
    def warehouse(name: str, rows: list[tuple]) -> str:
        path = tmp_path / f"{name}.duckdb"
        with duckdb.connect(str(path)) as con:
            con.execute("create schema marts")
            con.execute("create table marts.fct_same (k integer, rate double)")
            con.execute("insert into marts.fct_same values (1, 0.1 + 0.2), (2, null)")
            con.execute("create table marts.fct_rows (k integer, v varchar)")
            con.executemany("insert into marts.fct_rows values (?, ?)", rows)
            con.execute(f"create table marts.only_{name} (k integer)")
        return path

    incremental = warehouse("incremental", [(1, "a"), (1, "a"), (2, "b")])
    rebuilt = warehouse("rebuilt", [(1, "a"), (2, "b"), (2, "b")])  # same rows once each: not the same multiset
    with duckdb.connect(str(rebuilt)) as con:
        con.execute("update marts.fct_same set rate = 0.3 where k = 1")  # 0.30000000000000004 in the other
    result = compare_marts(incremental, rebuilt)
    assert result["tables"] == 4
    assert result["mismatched_tables"] == ["fct_rows", "only_incremental", "only_rebuilt"]
    rows = result["mismatches"][0]
    assert (rows["only_incremental"], rows["only_rebuilt"]) == (1, 1)
    assert result["rows"] == 2 + 3


@pytest.mark.slow
def test_a_correction_through_the_service_renders_its_split_and_its_target(bench_run):
    options, _, _ = bench_run
    results = json.loads(options.results.read_text())
    split = {
        "upload_validate_s": 0.3,
        "service_sensor_wait_s": 2.5,
        "service_run_start_s": 3.3,
        "service_steps_before_dbt_s": 0.7,
        "service_dbt_step_s": 25.2,
        "service_after_dbt_s": 1.9,
    }
    service = {"file": "AG001_2024Q2.zip", "upload_to_published_s": 33.9, "split": split, "run_id": "r"}
    results["region"] |= {"incremental_service": service, "incremental_quarter_service_s": 33.9}
    page = render(results)
    assert "### A correction published by the running service" in page
    for label in (
        "| upload + validation | 0.30 |",
        "| waiting for the service's sensor | 2.50 |",
        "| the run's queue and its process starting | 3.30 |",
        "| the run's dbt step | 25.20 |",
        "| **upload to published** | **33.90** |",
    ):
        assert label in page, label
    assert "| A correction through the running service, upload to published | 30 s | 33.90 s |" in page


def test_a_region_with_nothing_to_compare_says_so_rather_than_disagree():
    """Every published cell suppressed (a region of a few hundred clients): the benchmark fails, and
    says that nothing could be compared, not that the figures differ."""
    from accueil.bench.headline import verdict

    def part(compared: int, mismatches: int = 0) -> dict:
        return {"cells_compared": compared, "mismatch_count": mismatches, "baseline_only_cells": 0}

    agree = {"agree": True, "outputs": part(3), "outcomes": part(5)}
    differ = {"agree": False, "outputs": part(3), "outcomes": part(5, mismatches=1)}
    empty = {"agree": False, "outputs": part(3), "outcomes": part(0)}
    assert verdict(agree) == ("agree", None)
    assert verdict(differ) == ("DISAGREE", "the baseline's headline figures differ from the pipeline's")
    said, failure = verdict(empty)
    assert said == "not compared"
    assert "could not be compared" in failure and "no published outcome cell" in failure


def test_a_bench_that_cannot_go_on_says_why_in_one_line_without_a_traceback(tmp_path, monkeypatch):
    """A held-back extract the door rejects stops the bench: `accueil bench` names it and its report,
    and exits with status 1, with no traceback around the sentence."""
    from click.testing import CliRunner

    import accueil.bench.run as bench_run_module
    from accueil.bench.commands import bench
    from accueil.bench.homes import bench_home
    from accueil.bench.run import incremental_quarter

    broken = tmp_path / "AG001_2024Q4.zip"
    broken.write_bytes(b"PK\x03\x04 not a zip at all")

    def rejected_quarter(options, log):
        with bench_home(tmp_path / "home"):
            return incremental_quarter(broken, "zip")

    monkeypatch.setattr(bench_run_module, "run_bench", rejected_quarter)
    result = CliRunner().invoke(bench, ["--out", str(tmp_path / "work")])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    line = result.output.strip()
    said = "Error: the bench stopped: the held-back extract AG001_2024Q4.zip was rejected; its report: "
    assert line.startswith(said), line
    report = line.rsplit(" ", 1)[1]
    assert report.endswith(".html") and os.path.exists(report), report
