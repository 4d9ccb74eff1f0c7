"""Loading one more quarter incrementally gives the same marts as a full rebuild."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from accueil import config
from accueil.generate import GenerateOptions, generate
from accueil.ingest.submit import submit_agencies, submit_extract
from accueil.quarters import Quarter
from orchestration.build import dbt_log_path, run_build
from tests.workbooks import mutate

TABLES = (
    "intermediate.int_service_events",
    "intermediate.int_client_spine",
    "marts.fct_outcome_rates",
    "marts.fct_extract_completeness",
)


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
    # The working warehouse: the intermediate tables are not published.
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as con:
        out = {}
        for table in TABLES:
            columns = [
                c for (c,) in con.execute(f"select column_name from (describe {table})").fetchall() if c != "upload_id"
            ]  # upload ids are the register's, different in each home
            out[table] = sorted(map(repr, con.execute(f"select {', '.join(columns)} from {table}").fetchall()))
        return out


@pytest.fixture(scope="module")
def incremental_home(region, tmp_path_factory) -> tuple[Path, dict[str, list]]:
    """Two quarters built, then a third added incrementally: the home and its published marts."""
    home = tmp_path_factory.mktemp("incremental-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ACCUEIL_HOME", str(home))
        assert submit_agencies(region / "agencies.xlsx", user="t").accepted
        _upload(region, {"2024Q1", "2024Q2"})
        run_build()
        _upload(region, {"2024Q3"})
        summary = run_build()
        assert [q for _, q, _ in summary.loaded] == ["2024Q3"] * 3  # only the new partitions were loaded
        # The second build of a home starts from the first one's dbt parse.
        assert "Unable to do partial parsing" not in dbt_log_path().read_text()
        return home, _snapshot()


def test_one_more_quarter_incrementally_equals_a_full_rebuild(region, incremental_home, tmp_path, monkeypatch):
    _, incremental = incremental_home
    monkeypatch.setenv("ACCUEIL_HOME", str(tmp_path / "full"))
    assert submit_agencies(region / "agencies.xlsx", user="t").accepted
    _upload(region, {"2024Q1", "2024Q2", "2024Q3"})
    run_build()
    full = _snapshot()
    for table in TABLES:
        assert incremental[table] == full[table], table
    assert len(full["marts.fct_outcome_rates"]) > 100


SERVICE_SHEETS = (
    "Needs Assessment&Referrals",
    "Info&Orien",
    "Employment",
    "Community Connections",
    "LT Client Enrol",
    "LT Client Exit",
    "Language Assessment",
)


def _service_counts() -> dict[tuple[str, str], int]:
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as con:
        rows = con.execute(
            "select agency_code, reported_quarter, count(*) from intermediate.int_service_events group by all"
        ).fetchall()
    return {(a, q): n for a, q, n in rows}


def test_a_corrected_extract_without_services_removes_the_old_services(incremental_home, region, tmp_path, monkeypatch):
    """delete+insert replaces a partition only when the new upload brings rows; the post-hook covers none.
    Runs last on the incremental home, after its marts were captured."""
    home, _ = incremental_home
    monkeypatch.setenv("ACCUEIL_HOME", str(home))
    before = _service_counts()
    original = sorted(region.glob("AG*_2024Q3.xlsx"))[0]
    agency = original.stem.split("_")[0]
    assert before[(agency, "2024Q3")] > 0

    def drop_services(rows):
        for sheet in SERVICE_SHEETS:
            rows[sheet] = rows[sheet][:3]  # the two header rows and the labels, no data

    corrected = mutate(original, tmp_path / original.name, drop_services)
    assert submit_extract(corrected, agency, Quarter.parse("2024Q3"), user="t").accepted
    run_build()
    after = _service_counts()
    assert (agency, "2024Q3") not in after
    assert after == {key: n for key, n in before.items() if key != (agency, "2024Q3")}
    # The extract's completeness is the correction's: its service sheets empty, its other sheets as they were.
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as con:
        rows = dict(
            con.execute(
                "select table_name, max(row_count) from marts.fct_extract_completeness"
                " where agency_code = ? and quarter = '2024Q3' group by 1",
                [agency],
            ).fetchall()
        )
    assert rows["info_orientation"] == rows["employment"] == 0 and rows["client_profile"] > 0
