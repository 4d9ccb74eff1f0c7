"""Built incrementally, the warehouse equals a full rebuild.

The session's sample warehouse (tests/conftest.py) is built as a partnership builds it: seven
quarters, then the last quarter's twelve extracts in an incremental build.  A copy of it then
takes a correction, the same correction again (a no-op), and a correction whose service sheets
are empty, built incrementally; a copy of that is rebuilt with `--full-refresh`.  Every table
of the marts, every partition model and every intermediate table must be the same, row for row:
the three builds in a row, two of them incremental, against one full build.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from accueil import config
from accueil.ingest.submit import submit_extract
from accueil.quarters import Quarter
from orchestration.build import run_build
from orchestration.build_log import dbt_log_path
from orchestration.dbt_project_state import built_by, full_refresh_reason, sources_digest
from tests.compiled_tests import compiled_test
from tests.workbooks import mutate, read_rows

SERVICE_SHEETS = (
    "Needs Assessment&Referrals",
    "Info&Orien",
    "Employment",
    "Community Connections",
    "LT Client Enrol",
    "LT Client Exit",
    "Language Assessment",
)
# Columns that say when a row was written, not what it holds.
BUILD_TIMES = {"loaded_at", "built_at"}


def _copy_home(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True, ignore=shutil.ignore_patterns("*.lock", "logs"))
    return target


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_schema || '.' || table_name from information_schema.tables"
        " where table_schema in ('staging', 'intermediate', 'marts') and table_type = 'BASE TABLE' order by 1"
    ).fetchall()
    return [name for (name,) in rows]


def _differences(left: Path, right: Path) -> dict[str, tuple[int, int]]:
    """Per table, the rows only in `left` and only in `right` (none of either when equal)."""
    out = {}
    with duckdb.connect() as con:
        con.execute(f"attach '{left}' as l (read_only)")
        con.execute(f"attach '{right}' as r (read_only)")
        con.execute("use l")
        tables = _tables(con)
        con.execute("use r")
        assert _tables(con) == tables
        for table in tables:
            columns = [
                f'"{c}"'
                for (c,) in con.execute(f"select column_name from (describe l.{table})").fetchall()
                if c not in BUILD_TIMES
            ]
            select = ", ".join(columns)
            only_left = con.execute(
                f"select count(*) from (select {select} from l.{table} except all select {select} from r.{table})"
            ).fetchone()[0]
            only_right = con.execute(
                f"select count(*) from (select {select} from r.{table} except all select {select} from l.{table})"
            ).fetchone()[0]
            out[table] = (only_left, only_right)
    return out


def _control_replays(home: Path) -> dict[str, bool]:
    """Per model that replays its disclosure control, whether its last build did."""
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return dict(con.execute("select model, replayed from main.dbt_control_replays").fetchall())


def _service_counts() -> dict[tuple[str, str], int]:
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as con:
        rows = con.execute(
            "select agency_code, reported_quarter, count(*) from intermediate.int_service_events group by all"
        ).fetchall()
    return {(a, q): n for a, q, n in rows}


@pytest.fixture(scope="module")
def corrected(sample_warehouse, tmp_path_factory) -> dict:
    """A copy of the sample home after three uploads, built incrementally, then a full rebuild of a copy of it."""
    source, region, truth = sample_warehouse
    home = _copy_home(source, tmp_path_factory.mktemp("incremental") / "home")
    folder = tmp_path_factory.mktemp("corrections")
    extracts = sorted(region.glob(f"AG*_{truth['quarters'][-2]}.xlsx"))
    # Rows 1 to 3 of a sheet are its labels, machine names and descriptions; data follows.
    fewer = next(path for path in extracts if len(read_rows(path)["Employment"]) > 3 + 10)
    emptied = next(path for path in extracts if path != fewer)

    def fewer_employment_rows(rows):
        rows["Employment"] = rows["Employment"][:-5]

    def no_services(rows):
        for sheet in SERVICE_SHEETS:
            rows[sheet] = rows[sheet][:3]  # the two header rows and the labels, no data

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ACCUEIL_HOME", str(home))
        before = _service_counts()
        reason = full_refresh_reason(sources_digest(), built_by())
        submissions = []
        for original, change in ((fewer, fewer_employment_rows), (fewer, None), (emptied, no_services)):
            # None: the same corrected file again.
            path = folder / original.name if change is None else mutate(original, folder / original.name, change)
            agency, quarter = original.stem.split("_")
            submissions.append(submit_extract(path, agency, Quarter.parse(quarter), user="t"))
        summary = run_build()
        log = dbt_log_path().read_text()
        after = _service_counts()
    full = _copy_home(home, tmp_path_factory.mktemp("full") / "home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ACCUEIL_HOME", str(full))
        run_build(full_refresh=True)
        full_log = dbt_log_path().read_text()
    return {
        "replays": _control_replays(home),
        "full_replays": _control_replays(full),
        "home": home,
        "full": full,
        "submissions": submissions,
        "summary": summary,
        "log": log,
        "full_refresh_reason": reason,
        "full_log": full_log,
        "before": before,
        "after": after,
        "emptied": tuple(emptied.stem.split("_")),
        "fewer": tuple(fewer.stem.split("_")),
    }


def test_corrections_built_incrementally_equal_a_full_rebuild(corrected):
    differences = _differences(corrected["home"] / "warehouse.duckdb", corrected["full"] / "warehouse.duckdb")
    assert {table: d for table, d in differences.items() if d != (0, 0)} == {}
    with duckdb.connect(str(corrected["full"] / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_outcome_rates").fetchone()[0] > 10_000


def test_the_incremental_build_replayed_disclosure_control(corrected):
    """The outcome rates' control was replayed from the sample build's record, and the full
    rebuild ran every pass: the equality above holds the replay, its record included, to the
    full run, after a correction that changed cells and one that emptied an extract's."""
    assert corrected["replays"] == {"int_outcome_rates_controlled": True}
    assert corrected["full_replays"] == {"int_outcome_rates_controlled": False}


def test_only_what_changed_was_loaded_and_a_reupload_is_a_noop(corrected):
    first, again, emptied = corrected["submissions"]
    assert first.accepted and emptied.accepted
    assert again.duplicate and not first.duplicate
    loaded = sorted((agency, quarter) for agency, quarter, _ in corrected["summary"].loaded)
    assert loaded == sorted([corrected["fewer"], corrected["emptied"]])
    # The project had not changed since the sample was built, so the build was incremental.
    assert corrected["full_refresh_reason"] is None
    assert "incremental model staging.stg_employment" in corrected["log"]


def test_an_incremental_build_reuses_the_seeds_and_still_tests_models_against_them(corrected):
    """The project that built the sample builds the corrections: its seeds are in the warehouse
    as it loaded and tested them, so they are neither loaded nor tested again; a test that holds
    a model to a seed runs.  The full rebuild loads and tests them."""
    incremental, full = corrected["log"], corrected["full_log"]
    seed_test = "accepted_values_outcome_catalogue_"
    model_against_seed = "relationships_fct_outcome_rates_outcome__outcome__ref_outcome_catalogue_"
    assert "seed file reference.outcome_catalogue" in full and seed_test in full and model_against_seed in full
    assert "seed file" not in incremental and seed_test not in incremental
    assert f"PASS {model_against_seed}" in incremental


def test_the_incremental_build_published_the_corrections(corrected):
    """The snapshot the pages read is the incremental build's: the emptied extract's completeness
    there is the correction's, as in the warehouse (a build that skipped its publish step would
    leave the sample's snapshot, with the extract's services in it)."""
    agency, quarter = corrected["emptied"]
    query = (
        "select table_name, max(row_count) from marts.fct_extract_completeness"
        " where agency_code = ? and quarter = ? group by 1 order by 1"
    )
    home = corrected["home"]
    with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as con:
        published = con.execute(query, [agency, quarter]).fetchall()
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        built = con.execute(query, [agency, quarter]).fetchall()
    assert published == built and dict(published)["employment"] == 0


def test_the_corrections_replace_their_partitions_and_nothing_else(corrected):
    before, after = corrected["before"], corrected["after"]
    assert corrected["emptied"] in before and corrected["emptied"] not in after
    assert after[corrected["fewer"]] == before[corrected["fewer"]] - 5
    untouched = set(before) - {corrected["emptied"], corrected["fewer"]}
    assert {key: after[key] for key in untouched} == {key: before[key] for key in untouched}
    # The emptied extract's completeness is the correction's: its service sheets empty, its other sheets as they were.
    agency, quarter = corrected["emptied"]
    with duckdb.connect(str(corrected["home"] / "warehouse.duckdb"), read_only=True) as con:
        rows = dict(
            con.execute(
                "select table_name, max(row_count) from marts.fct_extract_completeness"
                " where agency_code = ? and quarter = ? group by 1",
                [agency, quarter],
            ).fetchall()
        )
    assert rows["info_orientation"] == rows["employment"] == 0 and rows["client_profile"] > 0


# A row-level test of a partition model.
ROW_TEST = "unique_within_stg_employment_row_number__upload_id"


def test_an_incremental_build_tests_only_the_new_rows_of_partition_models(corrected, tmp_path):
    """The row-level tests of a partition model read this build's uploads; a full rebuild's read every row."""
    home, full = corrected["home"], corrected["full"]
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        scope = {u for (u,) in con.execute("select upload_id from main.dbt_build_scope").fetchall()}
        built = con.execute("select count(*) from main.dbt_built_uploads").fetchone()[0]
    assert scope == {s.upload.upload_id for s in corrected["submissions"] if not s.duplicate}
    assert built == 96  # the uploads loaded when this build passed: the corrections, not what they replaced
    with duckdb.connect(str(full / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from main.dbt_build_scope").fetchone()[0] == 96
    scoped = "upload_id in (select upload_id from main.dbt_build_scope)"
    assert scoped in compiled_test(home, tmp_path / "incremental", ROW_TEST)
    assert scoped not in compiled_test(home, tmp_path / "full", ROW_TEST, "--full-refresh")


def test_the_build_recorded_how_far_its_dbt_got(corrected, monkeypatch):
    """The count the agency page and `accueil build` draw (accueil/build_progress.py) ends at every
    seed, model and test dbt ran, by dbt's own summary line, under the build's row of the register:
    for the incremental build and for the full rebuild."""
    from accueil import build_progress, publication

    for home, log in ((corrected["home"], corrected["log"]), (corrected["full"], corrected["full_log"])):
        monkeypatch.setenv("ACCUEIL_HOME", str(home))
        # "Finished running 21 incremental models, 3 project hooks, 22 table models, 117 data tests in ..."
        ran = re.search(r"^Finished running (.+?) in \d+ hours", log, re.MULTILINE)[1]
        kinds = {kind: int(n) for n, kind in re.findall(r"(\d+) ([a-z ]+?)(?:,|$)", ran)}
        nodes = sum(n for kind, n in kinds.items() if "hook" not in kind)
        assert kinds["data tests"] > 0 and nodes > kinds["data tests"], kinds
        build = publication.latest_build()
        assert build.status == "succeeded"
        assert build_progress.read() == build_progress.Progress(build.build_id, nodes, nodes)


def _declared(kind: str) -> set[tuple[str, str]]:
    """(model, column) of every column whose YAML declares a constraint of this type."""
    import yaml

    declared = set()
    for path in (config.REPO_ROOT / "warehouse" / "models").rglob("*.yml"):
        for model in yaml.safe_load(path.read_text()).get("models", []):
            for column in model.get("columns", []):
                if any(rule["type"] == kind for rule in column.get("constraints", [])):
                    declared.add((model["name"], column["name"]))
    return declared


def _enforced(con, kind: str) -> set[tuple[str, str]]:
    """(table, column) of every constraint of this type DuckDB holds on the built models."""
    return set(
        con.execute(
            "select table_name, unnest(constraint_column_names) from duckdb_constraints()"
            " where constraint_type = ? and schema_name in ('staging', 'intermediate', 'marts')",
            [kind],
        ).fetchall()
    )


def test_every_declared_not_null_column_is_a_constraint_duckdb_enforces(sample_warehouse, tmp_path):
    """The not-null rules of tables are contract constraints, not test nodes: each column the
    YAML declares `not_null` has DuckDB's NOT NULL in the built table, and a null is refused as
    it is written, in an incremental partition model as in a mart."""
    declared = _declared("not_null")
    assert len(declared) > 250
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy2(sample_warehouse[0] / "warehouse.duckdb", copy)
    with duckdb.connect(str(copy)) as con:
        assert declared <= _enforced(con, "NOT NULL"), sorted(declared - _enforced(con, "NOT NULL"))[:5]
        for table, column in (("staging.stg_employment", "client_key"), ("marts.fct_outcome_rates", "outcome")):
            with pytest.raises(duckdb.ConstraintException, match="NOT NULL"):
                con.execute(f"insert into {table} ({column}) values (null)")


def test_every_declared_accepted_values_rule_is_a_check_duckdb_enforces(sample_warehouse, tmp_path):
    """The code-list rules of tables are CHECK constraints of their contracts, not test nodes:
    each expression the YAML declares is a CHECK of the built table, and a code outside the
    list is refused as it is written, in an incremental partition model as in a mart."""
    declared = _declared("check")
    assert len(declared) > 100
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy2(sample_warehouse[0] / "warehouse.duckdb", copy)
    with duckdb.connect(str(copy)) as con:
        assert declared <= _enforced(con, "CHECK"), sorted(declared - _enforced(con, "CHECK"))[:5]
        for table, column in (
            ("staging.stg_employment", "official_language_code"),
            ("marts.fct_outcome_rates", "breakdown"),
        ):
            con.execute(f"insert into {table} select * from {table} limit 1")  # the row itself passes
            with pytest.raises(duckdb.ConstraintException, match="CHECK constraint"):
                con.execute(f"insert into {table} select * replace ('not_a_code' as {column}) from {table} limit 1")
