"""The Dagster definitions load, and their sensor, loads and asset checks work on real files."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from accueil import config, control
from accueil.generate import GenerateOptions, generate
from orchestration.build import prepare_manifest, run_build

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
    # Not partitioned: one run loads every waiting extract (see orchestration/defs/ingest/assets.py).
    assert graph.get(dg.AssetKey(["raw", "employment"])).partitions_def is None


def test_inbox_sensor_submits_dropped_files_and_requests_one_run_for_all_waiting(region, tmp_path, monkeypatch):
    monkeypatch.setenv("ACCUEIL_HOME", str(tmp_path))
    prepare_manifest()
    from orchestration.defs.ingest import sensors
    from orchestration.defs.ingest.sensors import inbox_sensor

    inbox = config.inbox_dir()
    inbox.mkdir(parents=True)
    # A tick with nothing waiting, as nearly all are, skips without Dagster's instance (none given
    # here), once it has listened for uploads (shortened here).
    monkeypatch.setattr(sensors, "LISTEN_S", 0.2)
    assert isinstance(inbox_sensor(dg.build_sensor_context()), dg.SkipReason)
    instance = dg.DagsterInstance.ephemeral()
    shutil.copy(region / "agencies.xlsx", inbox / "agencies.xlsx")
    shutil.copy(region / "AG001_2024Q1.xlsx", inbox)
    shutil.copy(region / "AG002_2024Q1.xlsx", inbox)
    (inbox / "bad name.xlsx").write_bytes(b"not a workbook")
    # What a hostile or careless drop leaves: no calendar quarter, a link to a system file, a FIFO.
    shutil.copy(region / "AG001_2024Q1.xlsx", inbox / "AG001_0000Q1.xlsx")
    (inbox / "AG002_2024Q2.xlsx").symlink_to("/etc/passwd")
    os.mkfifo(inbox / "AG002_2024Q3.xlsx")
    result = inbox_sensor(dg.build_sensor_context(instance=instance))
    assert isinstance(result, dg.RunRequest)
    assert result.tags["accueil/uploads"] == "2"
    assert sorted(p.name for p in (inbox / "processed").iterdir()) == [
        "AG001_2024Q1.xlsx",
        "AG002_2024Q1.xlsx",
        "agencies.xlsx",
    ]
    assert sorted(p.name for p in (inbox / "unrecognised").iterdir()) == [
        "AG001_0000Q1.xlsx",
        "AG002_2024Q2.xlsx",
        "AG002_2024Q3.xlsx",
        "bad name.xlsx",
    ]
    # The same file dropped again: registered as a duplicate, no new run.
    shutil.copy(region / "AG001_2024Q1.xlsx", inbox)
    again = inbox_sensor(dg.build_sensor_context(instance=instance))
    assert again.run_key == result.run_key
    with control.connect() as con:
        assert len(control.uploads(con, kind="extract")) == 2


def test_an_idle_tick_asks_for_the_run_of_an_upload_accepted_while_it_listens(region, tmp_path, monkeypatch):
    """An upload need not wait for the daemon's next tick: the tick that found nothing waiting
    listens to the register, and asks for the run once the upload is accepted (here the home's
    first, so the register itself appears while it listens)."""
    from concurrent.futures import ThreadPoolExecutor

    from accueil import publication
    from accueil.ingest.submit import submit_agencies
    from orchestration.defs.ingest import sensors

    monkeypatch.setenv("ACCUEIL_HOME", str(tmp_path))
    config.inbox_dir().mkdir(parents=True)
    looked = threading.Event()
    unpublished = publication.unpublished

    def looking(include_loaded=True):
        found = unpublished(include_loaded)
        looked.set()
        return found

    monkeypatch.setattr(publication, "unpublished", looking)
    monkeypatch.setattr(sensors, "LISTEN_S", 120.0)
    with ThreadPoolExecutor(1) as pool:
        tick = pool.submit(sensors.inbox_sensor, dg.build_sensor_context(instance=dg.DagsterInstance.ephemeral()))
        assert looked.wait(60), "the tick never looked at the register"
        assert not tick.done()  # nothing waiting: it listens
        submission = submit_agencies(region / "agencies.xlsx", user="t")
        assert submission.accepted
        result = tick.result(timeout=60)
    assert isinstance(result, dg.RunRequest), result
    assert result.run_key == f"publish-{publication.request_key([submission.upload], 0)}"


def test_one_load_run_takes_every_waiting_extract_and_reports_the_checks(region, tmp_path, monkeypatch):
    monkeypatch.setenv("ACCUEIL_HOME", str(tmp_path))
    from accueil.ingest.submit import submit_agencies, submit_extract
    from accueil.quarters import Quarter
    from orchestration.definitions import resources
    from orchestration.defs.ingest.assets import extracts

    assert submit_agencies(region / "agencies.xlsx", user="t").accepted
    for agency in ("AG001", "AG002"):
        assert submit_extract(region / f"{agency}_2024Q1.xlsx", agency, Quarter.parse("2024Q1"), user="t").accepted
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize([extracts], instance=instance, resources=resources())
    assert result.success
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) == 10 and all(e.passed for e in evaluations)
    metadata = {e.asset_key.to_user_string(): e.metadata for e in evaluations}
    from accueil.contract import extract_contract
    from accueil.ingest.expectations import expectations

    suite = expectations(extract_contract().sheet("Info&Orien"))
    assert len(suite) >= 4  # required values, codes, typed formats, unique keys at least
    assert metadata["raw/info_orientation"]["expectations evaluated"].value == 2 * len(suite)  # two extracts
    assert metadata["raw/info_orientation"]["cells checked"].value > 1000
    materialized = {
        e.asset_key.to_user_string(): e.event_specific_data.materialization.metadata
        for e in result.get_asset_materialization_events()
    }
    info = materialized["raw/info_orientation"]
    assert info["uploads loaded"].value == 2
    assert sorted(u[:2] for u in info["uploads (agency, quarter, upload id, sha256)"].value) == [
        ["AG001", "2024Q1"],
        ["AG002", "2024Q1"],
    ]
    # The rows loaded, counted independently from the staged Parquet files.
    import duckdb

    with control.connect() as con:
        staged = [
            config.accepted_dir() / str(u.upload_id) / "info_orientation.parquet"
            for u in control.uploads(con, kind="extract")
        ]
        assert {u.status for u in control.uploads(con, kind="extract")} == {"loaded"}
    expected = sum(len(pd.read_parquet(p)) for p in staged)
    assert info["rows loaded"].value == expected > 0
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as con:
        assert con.execute("select count(*) from raw.info_orientation").fetchone()[0] == expected
    # Nothing waiting: a second run loads nothing and changes nothing.
    again = dg.materialize([extracts], instance=instance, resources=resources())
    assert again.success
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as con:
        assert con.execute("select count(*) from raw.info_orientation").fetchone()[0] == expected


def test_failed_build_keeps_the_last_good_snapshot(region, tmp_path, monkeypatch):
    monkeypatch.setenv("ACCUEIL_HOME", str(tmp_path))
    from accueil.ingest.submit import submit_agencies, submit_extract
    from accueil.quarters import Quarter

    assert submit_agencies(region / "agencies.xlsx", user="t").accepted
    assert submit_extract(region / "AG001_2024Q1.xlsx", "AG001", Quarter.parse("2024Q1"), user="t").accepted
    run_build()
    # This home's first build reused the project's parse (orchestration/dbt_child.py): dbt says
    # when it cannot, and parses the whole project again.
    log = (tmp_path / "logs" / "dbt-build.log").read_text(encoding="utf-8")
    assert "Found " in log and "Unable to do partial parsing" not in log
    published = config.published_path()
    first = published.read_bytes()
    assert submit_extract(region / "AG002_2024Q1.xlsx", "AG002", Quarter.parse("2024Q1"), user="t").accepted
    from dagster_dbt import DbtCliResource

    def broken(*args, **kwargs):
        raise RuntimeError("dbt failed")

    # dbt fails as it starts, after the new extract is loaded: the snapshot must stay the first build's.
    monkeypatch.setattr(DbtCliResource, "cli", broken)
    with pytest.raises(Exception, match="dbt failed"):
        run_build()
    assert published.read_bytes() == first
    # The failure is recorded with its reason, and the agency's page and `accueil status` say so.
    from accueil import access, publication
    from accueil.service.health import check

    build = publication.latest_build()
    assert (build.origin, build.status) == ("command", "failed") and "dbt failed" in build.error
    history = access.upload_history(access.Viewer("t", "agency", "AG002"), "AG002")
    assert list(history["state"]) == ["failed"] and "dbt failed" in history["build_error"].iloc[0]
    report = check()
    assert not report.healthy and any("the last build failed" in p for p in report.problems)
    assert [u.agency_cd for u in publication.unpublished()] == ["AG002"]


def test_a_dbt_file_copied_with_an_old_time_still_invalidates_the_manifest(tmp_path, monkeypatch):
    """The manifest is keyed on file contents: a model unpacked with its original, older time counts."""
    from orchestration import dbt_project_state
    from orchestration.dbt_project_state import sources_digest

    warehouse = tmp_path / "warehouse"
    (warehouse / "models").mkdir(parents=True)
    (tmp_path / "seeds").mkdir()
    (warehouse / "dbt_project.yml").write_text("name: t\n")
    (warehouse / "models" / "a.sql").write_text("select 1 as a\n")
    monkeypatch.setattr(dbt_project_state, "WAREHOUSE_DIR", warehouse)
    monkeypatch.setattr(config, "REPO_ROOT", tmp_path)
    before = sources_digest()
    assert sources_digest() == before
    copied = warehouse / "models" / "b.sql"
    copied.write_text("select 2 as b\n")
    os.utime(copied, (946684800, 946684800))  # 2000-01-01, older than any manifest
    assert sources_digest() != before


def test_the_dbt_resource_asks_no_version_of_a_second_dbt_process(monkeypatch):
    """orchestration/dbt_resource.py overrides two private members of dagster-dbt's resource:
    they must still exist there (or the overrides silently do nothing), and the version comes
    from the installed package, without starting `dbt --version`."""
    from importlib.metadata import version

    from dagster_dbt import DbtCliResource
    from dagster_dbt.core import resource as dagster_dbt_resource

    from orchestration.dbt_resource import AccueilDbtResource
    from orchestration.definitions import resources

    assert isinstance(DbtCliResource.__dict__["_cli_version"], functools.cached_property)
    assert callable(DbtCliResource.__dict__["_initialize_dbt_core_adapter"])

    def no_process(*args, **kwargs):
        raise AssertionError(f"started {args}")

    monkeypatch.setattr(dagster_dbt_resource, "check_output", no_process)
    dbt = resources()["dbt"]
    assert isinstance(dbt, AccueilDbtResource)
    assert str(dbt._cli_version) == version("dbt-core")
    assert dbt._initialize_dbt_core_adapter(["build"]) is None
