"""Loading one more quarter incrementally gives the same marts as a full rebuild."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from accueil import config
from accueil.generate import GenerateOptions, generate
from accueil.ingest.submit import submit_agencies, submit_extract
from accueil.quarters import Quarter
from orchestration.build import run_build

TABLES = ("intermediate.int_service_events", "intermediate.int_client_spine", "marts.fct_outcome_rates")


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("incremental-region")
    generate(GenerateOptions(out=out, agencies=3, quarters=3, clients=1500, seed=21))
    return out


def _upload(region: Path, quarters: set[str]) -> None:
    for path in sorted(region.glob("AG*.xlsx")):
        agency, quarter = path.stem.split("_")
        if quarter in quarters:
            assert submit_extract(path, agency, Quarter.parse(quarter), user="t").accepted


def _snapshot() -> dict[str, list]:
    with duckdb.connect(str(config.published_path()), read_only=True) as con:
        out = {}
        for table in TABLES:
            columns = [
                c for (c,) in con.execute(f"select column_name from (describe {table})").fetchall() if c != "upload_id"
            ]  # upload ids are the register's, different in each home
            out[table] = sorted(map(repr, con.execute(f"select {', '.join(columns)} from {table}").fetchall()))
        return out


def test_one_more_quarter_incrementally_equals_a_full_rebuild(region, tmp_path, monkeypatch):
    monkeypatch.setenv("ACCUEIL_HOME", str(tmp_path / "incremental"))
    assert submit_agencies(region / "agencies.xlsx", user="t").accepted
    _upload(region, {"2024Q1", "2024Q2"})
    run_build()
    _upload(region, {"2024Q3"})
    summary = run_build()
    assert [q for _, q, _ in summary.loaded] == ["2024Q3"] * 3  # only the new partitions were loaded
    incremental = _snapshot()

    monkeypatch.setenv("ACCUEIL_HOME", str(tmp_path / "full"))
    assert submit_agencies(region / "agencies.xlsx", user="t").accepted
    _upload(region, {"2024Q1", "2024Q2", "2024Q3"})
    run_build()
    full = _snapshot()
    for table in TABLES:
        assert incremental[table] == full[table], table
    assert len(full["marts.fct_outcome_rates"]) > 100
