"""Limits on a restricted query (`accueil sql --user`): time, memory and threads, on a small snapshot built here.

The snapshot holds one aggregate mart of 10,000 rows: its triple cross join (10^12 rows)
ran until it was killed after 90 s before the limits; nothing here needs the sample warehouse.
"""

from __future__ import annotations

import json
import time

import duckdb
import pytest
from click.testing import CliRunner

from accueil import config, control
from accueil.access.adhoc import open_restricted
from accueil.access.exposure import aggregate_exposure
from accueil.auth import users
from accueil.cli import cli

PASSWORD = "correct horse battery"
ROWS = 10_000
CROSS_JOIN = "select count(*) from marts.fct_outcome_rates a, marts.fct_outcome_rates b, marts.fct_outcome_rates c"

pytestmark = pytest.mark.usefixtures("cheap_hashes")


@pytest.fixture
def snapshot():
    path = config.published_path()
    path.parent.mkdir(parents=True)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create schema raw")
        # Denominators over the suppression threshold, so the access layer blanks nothing.
        con.execute(
            f"""create table marts.fct_outcome_rates as select 'language_gain_any' as outcome, '2025Q1' as period,
                'A' || lpad((i % 50)::varchar, 2, '0') as agency_code, 'all' as breakdown,
                i::varchar as breakdown_value, 'rate' as unit, false as suppressed, 20 as numerator,
                40 as denominator, 0.5 as rate, 0.35 as ci_low, 0.65 as ci_high
              from range({ROWS}) t(i)"""
        )
        con.execute("create table raw.loads as select 'extract' as kind, 'A01' as agency_cd, 1 as upload_id")
    return path


@pytest.fixture
def funder(snapshot):
    with control.connect() as con:
        users.add(con, "test", "fay", "funder", None, PASSWORD)
    return "fay"


def _sql(query: str, user: str = "fay", **env: str):
    return CliRunner().invoke(cli, ["sql", query, "--user", user], env={"ACCUEIL_PASSWORD": PASSWORD, **env})


def _stopped() -> list[dict]:
    with control.connect() as con:
        rows = con.execute("select actor, detail from audit_log where action = 'query_stopped' order by audit_id")
        return [{"actor": actor, **json.loads(detail)} for actor, detail in rows.fetchall()]


def test_a_funders_cross_join_is_stopped_at_the_time_limit_and_audited(funder):
    # A comment makes the query longer than the audit keeps: the first 500 characters are kept.
    query = CROSS_JOIN + " -- " + "x" * 600
    started = time.monotonic()
    result = _sql(query, ACCUEIL_QUERY_TIMEOUT_S="2")
    elapsed = time.monotonic() - started
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: the query was stopped after 2 s, the time limit for a funder's query: "
        "ask for fewer rows (a filter, an aggregate or a limit) and run it again"
    )
    assert "Traceback" not in result.output
    assert 2 <= elapsed < 6, elapsed  # signing in and copying the mart take well under a second here
    [stop] = _stopped()
    assert stop["actor"] == "fay" and stop["role"] == "funder"
    assert (stop["limit"], stop["value"]) == ("time", "2 s")
    assert stop["query"] == query[:500] and len(stop["query"]) == 500
    with control.connect() as con:
        assert con.execute("select count(*) from audit_log where action = 'export'").fetchone()[0] == 0


def test_a_normal_query_still_works_under_the_limits(funder):
    result = _sql(
        "select count(*) as n, current_setting('threads') as threads, current_setting('memory_limit') as memory,"
        " current_setting('temp_directory') as spill from fct_outcome_rates",
        ACCUEIL_QUERY_TIMEOUT_S="2",
        ACCUEIL_QUERY_MEMORY_LIMIT="500MB",
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["n,threads,memory,spill", f"{ROWS},2,476.8 MiB,"]
    assert _stopped() == []


def test_a_query_that_needs_too_much_memory_is_stopped_without_spilling_to_disk(funder, tmp_path, monkeypatch):
    here = tmp_path / "cwd"
    here.mkdir()
    monkeypatch.chdir(here)  # where an in-memory DuckDB would spill (.tmp) if it could
    result = _sql(
        "select count(distinct s) from (select md5(i::varchar) as s from range(20000000) t(i))",
        ACCUEIL_QUERY_MEMORY_LIMIT="100MB",
    )
    assert result.exit_code == 1
    assert "stopped because it needed more than 100MB of memory" in result.output
    assert [(s["limit"], s["value"]) for s in _stopped()] == [("memory", "100MB")]
    assert list(here.iterdir()) == []


def test_the_limits_are_set_before_the_session_is_sealed(snapshot):
    with open_restricted(str(snapshot), aggregate_exposure()) as con:
        settings = dict(con.execute("select name, value from duckdb_settings()").fetchall())
        assert (settings["threads"], settings["memory_limit"], settings["temp_directory"]) == ("2", "953.6 MiB", "")
        for setting in ("threads = 8", "memory_limit = '8GB'", "temp_directory = '/tmp'"):
            with pytest.raises(duckdb.InvalidInputException, match="configuration has been locked"):
                con.execute(f"set {setting}")


def test_an_admin_query_has_no_limits(funder):
    with control.connect() as con:
        users.add(con, "test", "root", "admin", None, PASSWORD)
    result = _sql("select current_setting('memory_limit') <> '476.8 MiB' as unbounded", user="root")
    assert result.exit_code == 0 and result.output.splitlines()[-1] == "True"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("ACCUEIL_QUERY_TIMEOUT_S", "0", "a number of seconds above 0"),
        ("ACCUEIL_QUERY_MEMORY_LIMIT", "lots", "a size such as 1GB"),
        ("ACCUEIL_QUERY_THREADS", "0", "at least 1"),
    ],
)
def test_a_limit_that_makes_no_sense_is_refused(funder, monkeypatch, variable, value, message):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match=message):
        from accueil import auth
        from accueil.access.adhoc import run_sql

        run_sql(auth.viewer_for("fay", PASSWORD), "select 1")
