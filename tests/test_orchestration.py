"""The Dagster definitions load, and their sensor, partitions and asset checks work on real files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from accueil import config, control
from accueil.generate import GenerateOptions, generate
from orchestration.build import prepare_manifest, run_build
from orchestration.defs.partitions import extract_partitions

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dagster-region")
    generate(GenerateOptions(out=out, agencies=2, quarters=1, clients=300, seed=3))
    return out


def test_definitions_validate_with_the_dagster_cli(tmp_path):
    prepare_manifest()
    env = {"ACCUEIL_HOME": str(tmp_path), "DAGSTER_HOME": str(tmp_path), "PATH": str(Path(sys.executable).parent)}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "dagster"), "definitions", "validate", "-m", "orchestration.definitions"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_asset_graph_has_one_checked_table_per_sheet_and_dbt_after_it():
    prepare_manifest()
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {
        "raw/client_profile",
        "raw/outcome_followup",
        "raw/funding",
        "staging/stg_client_profile",
        "published/snapshot",
    } <= keys
    checks = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys}
    assert ("raw/info_orientation", "great_expectations") in checks
    staging = graph.get(dg.AssetKey(["staging", "stg_client_profile"]))
    assert dg.AssetKey(["raw", "client_profile"]) in staging.parent_keys
    assert graph.get(dg.AssetKey(["raw", "employment"])).partitions_def == extract_partitions


def test_inbox_sensor_submits_dropped_files_and_requests_one_run_per_partition(region, tmp_path, monkeypatch):
    monkeypatch.setenv("ACCUEIL_HOME", str(tmp_path))
    prepare_manifest()
    from orchestration.defs.ingest.sensors import inbox_sensor

    inbox = config.inbox_dir()
    inbox.mkdir(parents=True)
    shutil.copy(region / "agencies.xlsx", inbox / "agencies.xlsx")
    shutil.copy(region / "AG001_2024Q1.xlsx", inbox)
    shutil.copy(region / "AG002_2024Q1.xlsx", inbox)
    (inbox / "bad name.xlsx").write_bytes(b"not a workbook")
    instance = dg.DagsterInstance.ephemeral()
    result = inbox_sensor(dg.build_sensor_context(instance=instance))
    keys = sorted(str(r.partition_key) for r in result.run_requests)
    assert keys == ["AG001|2024Q1", "AG002|2024Q1"]
    assert len({r.run_key for r in result.run_requests}) == 2
    added = {(r.partitions_def_name, tuple(r.partition_keys)) for r in result.dynamic_partitions_requests}
    assert ("agency", ("AG001", "AG002")) in added and ("quarter", ("2024Q1",)) in added
    assert sorted(p.name for p in (inbox / "processed").iterdir()) == [
        "AG001_2024Q1.xlsx",
        "AG002_2024Q1.xlsx",
        "agencies.xlsx",
    ]
    assert (inbox / "unrecognised" / "bad name.xlsx").exists()
    # The same file dropped again: registered as a duplicate, no new run.
    shutil.copy(region / "AG001_2024Q1.xlsx", inbox)
    again = inbox_sensor(dg.build_sensor_context(instance=instance))
    assert sorted(r.run_key for r in again.run_requests) == sorted(r.run_key for r in result.run_requests)
    with control.connect() as con:
        assert len(control.uploads(con, kind="extract")) == 2


def test_partition_load_reports_the_great_expectations_check(region, tmp_path, monkeypatch):
    monkeypatch.setenv("ACCUEIL_HOME", str(tmp_path))
    from accueil.ingest.submit import submit_agencies, submit_extract
    from accueil.quarters import Quarter
    from orchestration.definitions import resources
    from orchestration.defs.ingest.assets import extracts
    from orchestration.defs.partitions import add_partitions, partition_key

    assert submit_agencies(region / "agencies.xlsx", user="t").accepted
    assert submit_extract(region / "AG002_2024Q1.xlsx", "AG002", Quarter.parse("2024Q1"), user="t").accepted
    instance = dg.DagsterInstance.ephemeral()
    add_partitions(instance, [("AG002", "2024Q1")])
    result = dg.materialize(
        [extracts], partition_key=partition_key("AG002", "2024Q1"), instance=instance, resources=resources()
    )
    assert result.success
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) == 10 and all(e.passed for e in evaluations)
    metadata = {e.asset_key.to_user_string(): e.metadata for e in evaluations}
    from accueil.contract import extract_contract
    from accueil.ingest.expectations import expectations

    suite = expectations(extract_contract().sheet("Info&Orien"))
    assert len(suite) >= 4  # required values, codes, typed formats, unique keys at least
    assert metadata["raw/info_orientation"]["expectations evaluated"].value == len(suite)
    assert metadata["raw/info_orientation"]["cells checked"].value > 1000
    rows = {
        m.asset_key.to_user_string(): m.metadata["rows"].value
        for m in result.get_asset_materialization_events()
        and [e.event_specific_data.materialization for e in result.get_asset_materialization_events()]
    }
    assert rows["raw/info_orientation"] > 0


def test_failed_build_keeps_the_last_good_snapshot(region, tmp_path, monkeypatch):
    monkeypatch.setenv("ACCUEIL_HOME", str(tmp_path))
    from accueil.ingest.submit import submit_agencies, submit_extract
    from accueil.quarters import Quarter

    assert submit_agencies(region / "agencies.xlsx", user="t").accepted
    assert submit_extract(region / "AG001_2024Q1.xlsx", "AG001", Quarter.parse("2024Q1"), user="t").accepted
    run_build()
    published = config.published_path()
    first = published.read_bytes()
    assert submit_extract(region / "AG002_2024Q1.xlsx", "AG002", Quarter.parse("2024Q1"), user="t").accepted
    import orchestration.defs.warehouse.assets as warehouse_assets

    def broken():
        raise RuntimeError("dbt failed")

    monkeypatch.setattr(warehouse_assets, "publish", broken)
    with pytest.raises(Exception, match="dbt failed"):
        run_build()
    assert published.read_bytes() == first


def test_a_dbt_file_copied_with_an_old_time_still_invalidates_the_manifest(tmp_path, monkeypatch):
    """The manifest is keyed on file contents: a model unpacked with its original, older time counts."""
    from orchestration import build

    warehouse = tmp_path / "warehouse"
    (warehouse / "models").mkdir(parents=True)
    (tmp_path / "seeds").mkdir()
    (warehouse / "dbt_project.yml").write_text("name: t\n")
    (warehouse / "models" / "a.sql").write_text("select 1 as a\n")
    monkeypatch.setattr(build, "WAREHOUSE_DIR", warehouse)
    monkeypatch.setattr(config, "REPO_ROOT", tmp_path)
    before = build._sources_digest()
    assert build._sources_digest() == before
    copied = warehouse / "models" / "b.sql"
    copied.write_text("select 2 as b\n")
    os.utime(copied, (946684800, 946684800))  # 2000-01-01, older than any manifest
    assert build._sources_digest() != before
