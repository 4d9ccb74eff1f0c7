"""Dagster's run, event log and schedule storage on a real PostgreSQL server when
ACCUEIL_DAGSTER_POSTGRES_URL is set, and on SQLite files under the home when it is not."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import dagster as dg
import psycopg2
import pytest
from dagster._core.storage.event_log import SqliteEventLogStorage

from accueil import config
from orchestration.event_log import OPEN_FILES, PooledSqliteEventLogStorage
from orchestration.instance import DRIVER_PREFIX, POSTGRES_URL, dagster_home
from tests.postgres_server import postgres_server, server_binaries


@pytest.fixture(scope="module")
def postgres_url():
    if server_binaries() is None:
        reason = "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)"
        if os.environ.get("CI"):  # .ci/run installs them: CI must run this module, not skip it
            pytest.fail(reason)
        pytest.skip(reason)
    with postgres_server() as url:
        yield url.replace("postgresql://", DRIVER_PREFIX, 1)


@pytest.fixture
def on_postgres(postgres_url, monkeypatch) -> str:
    monkeypatch.setenv(POSTGRES_URL, postgres_url)
    # dagster_home() and run_build() set these in os.environ: monkeypatch puts them back afterwards.
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("ACCUEIL_WAREHOUSE", raising=False)
    return postgres_url


def _query(url: str, sql: str, *params):
    """Ask the server itself, not Dagster (libpq spells the URL without SQLAlchemy's driver)."""
    with psycopg2.connect(url.replace(DRIVER_PREFIX, "postgresql://", 1)) as con, con.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    con.close()
    return rows


def _sqlite_files(home: Path) -> list[Path]:
    return sorted(home.rglob("*.db"))


@dg.asset(pool="warehouse")
def tiny_asset() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"rows": 3})


def test_without_the_variable_the_instance_stays_on_sqlite(monkeypatch):
    monkeypatch.delenv(POSTGRES_URL, raising=False)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    home = dagster_home()
    text = (home / "dagster.yaml").read_text()
    assert "\nstorage:" not in text and "postgres" not in text
    assert "default_limit: 1" in text
    with dg.DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "SqliteRunStorage"
        assert type(instance.event_log_storage) is PooledSqliteEventLogStorage
        runs = [dg.materialize([tiny_asset], instance=instance) for _ in range(OPEN_FILES + 2)]
        assert all(result.success for result in runs)
        # The index and the last runs' files stay open, not every run's.
        assert len(instance.event_log_storage._engines) == OPEN_FILES
        with instance.event_log_storage.index_connection() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_size_limit").scalar() == 524288
    runs_folder = home / "history" / "runs"
    # Closed with the instance: SQLite takes each write-ahead log back into its file.
    assert not list(runs_folder.glob("*-wal"))
    # The runs went to Dagster's own SQLite files under the home, in its own folders: Dagster's
    # class reads them as this one wrote them.
    assert {p.name for p in _sqlite_files(home)} >= {f"{r.run_id}.db" for r in runs} | {"index.db", "runs.db"}
    theirs = SqliteEventLogStorage(str(runs_folder))
    for result in runs:
        events = theirs.get_records_for_run(result.run_id).records
        assert "ASSET_MATERIALIZATION" in {
            e.event_log_entry.dagster_event_type.value for e in events if e.event_log_entry.is_dagster_event
        }
        with sqlite3.connect(runs_folder / f"{result.run_id}.db") as con:
            assert con.execute("select count(*) from event_logs").fetchone()[0] == len(events)
    key = dg.AssetKey("tiny_asset")
    assert theirs.get_latest_materialization_events([key])[key].run_id == runs[-1].run_id


def test_the_yaml_names_the_variable_and_never_holds_the_password(on_postgres):
    home = dagster_home()
    assert os.environ["DAGSTER_HOME"] == str(home)
    text = (home / "dagster.yaml").read_text()
    assert "storage:\n  postgres:\n    postgres_url:\n      env: ACCUEIL_DAGSTER_POSTGRES_URL\n" in text
    parts = urlsplit(on_postgres)
    assert parts.password and parts.password not in text
    assert on_postgres not in text
    assert "default_limit: 1" in text  # the template's concurrency settings are kept


@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "postgresql+psycopg"])
def test_a_url_without_the_psycopg2_driver_is_refused_without_showing_it(on_postgres, scheme, monkeypatch):
    url = on_postgres.replace(DRIVER_PREFIX, f"{scheme}://", 1)
    monkeypatch.setenv(POSTGRES_URL, url)
    with pytest.raises(ValueError, match=r"must look like postgresql\+psycopg2://") as refused:
        dagster_home()
    assert urlsplit(url).password not in str(refused.value)
    assert not (config.home() / "dagster" / "dagster.yaml").exists()


def test_the_yaml_follows_the_environment_back_to_sqlite(on_postgres, monkeypatch):
    settings = dagster_home() / "dagster.yaml"
    assert "postgres_url" in settings.read_text()
    monkeypatch.delenv(POSTGRES_URL)
    dagster_home()
    assert "postgres" not in settings.read_text() and "PooledSqliteEventLogStorage" in settings.read_text()


def test_runs_events_and_schedules_are_stored_in_postgres(on_postgres):
    home = dagster_home()
    with dg.DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
        assert type(instance.schedule_storage).__name__ == "PostgresScheduleStorage"
        result = dg.materialize([tiny_asset], instance=instance)
        assert result.success
        assert instance.get_run_by_id(result.run_id).status == dg.DagsterRunStatus.SUCCESS
    assert _query(on_postgres, "select status from runs where run_id = %s", result.run_id) == [("SUCCESS",)]
    types = {
        row[0]
        for row in _query(on_postgres, "select dagster_event_type from event_logs where run_id = %s", result.run_id)
    }
    expected = {"RUN_START", "STEP_START", "ASSET_MATERIALIZATION", "STEP_SUCCESS", "RUN_SUCCESS"}
    assert {dg.DagsterEventType[name].value for name in expected} <= types
    materialized = _query(
        on_postgres,
        "select count(*) from event_logs where run_id = %s and asset_key = %s and dagster_event_type = %s",
        result.run_id,
        dg.AssetKey("tiny_asset").to_string(),
        dg.DagsterEventType.ASSET_MATERIALIZATION.value,
    )
    assert materialized == [(1,)]
    tables = {row[0] for row in _query(on_postgres, "select tablename from pg_tables where schemaname = 'public'")}
    assert {"jobs", "instigators", "job_ticks"} <= tables  # schedule storage
    assert _sqlite_files(home) == []  # and nothing went to SQLite


def test_the_warehouse_pool_keeps_its_limit_of_one_in_postgres(on_postgres):
    dagster_home()
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        assert storage.supports_global_concurrency_limits
        storage.delete_concurrency_limit("warehouse")  # the module's server is shared: start from no limit
        assert _query(on_postgres, "select count(*) from concurrency_limits where concurrency_key = 'warehouse'") == [
            (0,)
        ]
        # A run of an asset in the pool sets the pool up in Postgres with the instance's default limit.
        assert dg.materialize([tiny_asset], instance=instance).success
        limits = _query(
            on_postgres,
            'select "limit", using_default_limit from concurrency_limits where concurrency_key = %s',
            "warehouse",
        )
        assert limits == [(1, True)]
        assert storage.get_concurrency_info("warehouse").limit == 1
        # Two runs want the pool: the second waits.
        first = storage.claim_concurrency_slot("warehouse", "run-one", "load")
        second = storage.claim_concurrency_slot("warehouse", "run-two", "load")
        try:
            assert first.is_claimed
            assert not second.is_claimed
            assert storage.get_concurrency_info("warehouse").pending_step_count == 1
            claimed = _query(
                on_postgres,
                "select run_id from concurrency_slots where concurrency_key = %s and run_id is not null",
                "warehouse",
            )
            assert claimed == [("run-one",)]
        finally:
            storage.free_concurrency_slots_for_run("run-one")
            storage.free_concurrency_slots_for_run("run-two")


@pytest.mark.slow
def test_a_load_only_build_is_recorded_in_postgres(on_postgres, tmp_path):
    from accueil.generate import GenerateOptions, generate
    from accueil.ingest.submit import submit_agencies, submit_extract
    from accueil.quarters import Quarter
    from orchestration.build import run_build

    region = tmp_path / "region"
    generate(GenerateOptions(out=region, agencies=2, quarters=1, clients=200, seed=3))
    assert submit_agencies(region / "agencies.xlsx", user="t").accepted
    assert submit_extract(region / "AG001_2024Q1.xlsx", "AG001", Quarter.parse("2024Q1"), user="t").accepted
    before = {row[0] for row in _query(on_postgres, "select run_id from runs")}

    summary = run_build(transform=False)

    assert [agency for agency, _, _ in summary.loaded] == ["AG001"]
    new = _query(on_postgres, "select run_id, status from runs")
    new = {run_id: status for run_id, status in new if run_id not in before}
    assert sorted(new.values()) == ["SUCCESS", "SUCCESS"]  # the reference data, then the extract
    loaded = _query(
        on_postgres,
        "select count(*) from event_logs where dagster_event_type = 'ASSET_MATERIALIZATION' and run_id = any(%s)"
        " and asset_key = %s",
        list(new),
        dg.AssetKey(["raw", "client_profile"]).to_string(),
    )
    assert loaded == [(1,)]
    assert _sqlite_files(config.home() / "dagster") == []
