"""What is published (issue 23): the snapshot holds the marts and reference tables, nothing else;
the agency page and `accueil sql --user` read an agency's own figures and rows from what is
built for them, and show what the raw extracts hold.

Expected figures are computed here from the admin's working warehouse (its raw tables, which
are not published), with the query the agency page ran on them before.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from accueil import config
from accueil.access import Viewer
from accueil.access.adhoc import QueryFailed, run_sql
from accueil.access.exposure import aggregate_exposure, client_level_models
from accueil.contract import extract_contract
from accueil.publish import AGENCY_LISTS, agency_rows_path, publish, remove_partials
from tests.test_dashboards import make_home, open_page, pct, table, whole

NOT_PUBLISHED = {"raw", "staging", "intermediate"}
AGENCY = "AG001"  # ana's, in tests/test_dashboards.py
CLIENT_MARKER = "client-row-8d1e6f0b2a9c4d7e8f1a2b3c4d5e6f7a"

pytestmark = pytest.mark.usefixtures("cheap_hashes")


def _admin(home: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)


def _expected_completeness(home: Path) -> pd.DataFrame:
    """Per loaded extract, sheet and column: rows, and values filled in (not empty, not blanks), from raw.*."""
    frames = []
    with _admin(home) as con:
        loads = con.execute("select agency_cd, quarter from raw.loads where kind = 'extract'").df()
        for sheet in extract_contract().sheets:
            counts = con.execute(
                "select agency_cd, quarter, count(*) as __rows, count(nullif(trim(columns(* exclude (agency_cd,"
                f" quarter, upload_id, row_number))::varchar), '')) from raw.{sheet.table} group by all"
            ).df()
            # A sheet an extract left empty has no group: its columns count 0 of 0.
            counts = loads.merge(counts, on=["agency_cd", "quarter"], how="left").fillna(0)
            long = counts.melt(["agency_cd", "quarter", "__rows"], var_name="column_name", value_name="filled_count")
            frames.append(long.assign(table_name=sheet.table))
    expected = pd.concat(frames).rename(columns={"agency_cd": "agency_code", "__rows": "row_count"})
    expected[["row_count", "filled_count"]] = expected[["row_count", "filled_count"]].astype(int)
    return expected


def _sorted(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return frame[columns].sort_values(columns[:4]).reset_index(drop=True)


# ---- the sample region's snapshot ----------------------------------------------------------------------


def test_the_snapshot_holds_the_marts_and_reference_tables_and_nothing_else(sample_warehouse):
    home = sample_warehouse[0]
    snapshot = home / "published" / "warehouse.duckdb"
    with duckdb.connect(str(snapshot), read_only=True) as con:
        schemas = {s for (s,) in con.execute("select schema_name from duckdb_schemas() where not internal").fetchall()}
        held = set(con.execute("select schema_name, table_name from duckdb_tables()").fetchall())
        views = con.execute("select count(*) from duckdb_views() where not internal").fetchone()[0]
    assert not schemas & NOT_PUBLISHED and {schema for schema, _ in held} == {"marts", "reference"}
    assert views == 0
    # Every marts and reference table of the working warehouse, row for row.
    with duckdb.connect() as con:
        con.execute(f"attach '{home / 'warehouse.duckdb'}' as admin (read_only)")
        con.execute(f"attach '{snapshot}' as snapshot (read_only)")
        built = set(
            con.execute(
                "select schema_name, table_name from duckdb_tables() where database_name = 'admin'"
                " and schema_name in ('marts', 'reference')"
            ).fetchall()
        )
        # But the marts marked client-level (dim_client): nothing served reads them.
        withheld = {("marts", name) for name in client_level_models()}
        assert withheld and withheld <= built and not held & withheld
        built -= withheld
        assert held == built and len(built) > 20
        for schema, name in sorted(built):
            a, b = f"admin.{schema}.{name}", f"snapshot.{schema}.{name}"
            for left, right in ((a, b), (b, a)):
                assert con.execute(f"select count(*) from (from {left} except all from {right})").fetchone() == (0,)
    assert {"fct_extract_completeness", "fct_extract_loads"} <= {name for _, name in held}


def test_completeness_and_loaded_quarters_are_what_the_raw_extracts_hold(sample_warehouse):
    home = sample_warehouse[0]
    columns = ["agency_code", "quarter", "table_name", "column_name", "row_count", "filled_count"]
    with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as con:
        mart = con.execute("select * from marts.fct_extract_completeness").df()
        loads = con.execute("select * from marts.fct_extract_loads order by agency_code, quarter").df()
    expected = _expected_completeness(home)
    pd.testing.assert_frame_equal(_sorted(mart, columns), _sorted(expected, columns), check_dtype=False)
    # Every column of every sheet of the contract, for every extract loaded (96 in the sample).
    contract = {(s.table, c) for s in extract_contract().sheets for c in s.column_names}
    assert set(zip(mart["table_name"], mart["column_name"], strict=True)) == contract
    assert len(mart) == 96 * len(contract) and (mart["filled_count"] <= mart["row_count"]).all()
    with _admin(home) as con:
        raw = con.execute(
            "select agency_cd as agency_code, quarter, upload_id, sha256, loaded_at from raw.loads"
            " where kind = 'extract' order by agency_code, quarter"
        ).df()
    pd.testing.assert_frame_equal(loads, raw, check_dtype=False)


def test_the_agency_page_shows_the_completeness_of_the_raw_extract(sample_warehouse, tmp_path, monkeypatch):
    home = make_home(sample_warehouse, tmp_path, monkeypatch)
    at = open_page("agency", user="ana")
    with _admin(home) as con:
        quarters = [
            q
            for (q,) in con.execute(
                "select quarter from raw.loads where kind = 'extract' and agency_cd = ? order by quarter", [AGENCY]
            ).fetchall()
        ]
    picker = at.selectbox(key="a_quality_quarter__en")
    assert len(picker.options) == len(quarters) == 8 and picker.value == quarters[-1]
    expected = _expected_completeness(home)
    expected = expected.loc[(expected["agency_code"] == AGENCY) & (expected["quarter"] == quarters[-1])]
    shown = table(at, "Sheet", "Field", "Filled in", "Rows", "Completeness")
    sheets = {s.table: s for s in extract_contract().sheets}
    assert len(shown) == len(expected)
    for row in expected.itertuples():
        sheet = sheets[row.table_name]
        label = f"{row.column_name} — {sheet.column(row.column_name).label_en}"
        line = shown.loc[(shown["Sheet"] == sheet.name) & (shown["Field"] == label)]
        assert len(line) == 1, label
        assert line["Filled in"].iloc[0] == whole(row.filled_count), label
        assert line["Rows"].iloc[0] == whole(row.row_count), label
        if row.row_count:
            assert line["Completeness"].iloc[0] == pct(row.filled_count / row.row_count), label


# ---- accueil sql --user ---------------------------------------------------------------------------------


def test_an_agency_user_reads_its_own_rows_from_the_agency_rows_and_nobody_else_does(
    sample_warehouse, tmp_path, monkeypatch
):
    home = make_home(sample_warehouse, tmp_path, monkeypatch)
    ana, fay = Viewer("ana", "agency", AGENCY), Viewer("fay", "funder")
    assert agency_rows_path().is_file()
    with _admin(home) as con:
        # A client who said No to consent_ind is left out of every client-level table (tests/test_consent.py).
        refused = set(
            con.execute("select client_key from raw.client_profile where consent_ind = 'No'").df()["client_key"]
        )
        keyed = {}
        for (t,) in con.execute(
            "select table_name from duckdb_columns() where schema_name = 'raw' and column_name = 'agency_cd'"
        ).fetchall():
            rows = con.execute(f"select * from raw.{t} where agency_cd = ?", [AGENCY]).df()
            keyed[t] = int((~rows["client_key"].isin(refused)).sum()) if "client_key" in rows else len(rows)
    tables = run_sql(ana, "select schema_name, table_name from duckdb_tables() where schema_name = 'own'")
    assert set(tables["table_name"]) == set(keyed) and {"client_profile", "loads", "programs"} <= set(keyed)
    for table_name, count in keyed.items():
        got = run_sql(ana, f"select count(*) as n, count(distinct agency_cd) as agencies from own.{table_name}")
        assert (got["n"][0], got["agencies"][0]) == (count, 1 if count else 0), table_name
    # The agency-scoped marts are the pages' (through named queries), not an aggregate reader's.
    exposed = aggregate_exposure().tables
    assert not {"fct_extract_completeness", "fct_extract_loads"} & exposed and "dim_indicator_baseline" in exposed
    for query in (
        "select * from own.client_profile",
        "select * from fct_extract_completeness",
        "select * from marts.fct_extract_loads",
    ):
        with pytest.raises(QueryFailed, match="does not exist"):
            run_sql(fay, query)
    assert len(run_sql(fay, "select * from dim_indicator_baseline")) > 0
    # An admin reads the snapshot too: told where the tables it does not hold are.
    with pytest.raises(QueryFailed, match="stay in the working warehouse"):
        run_sql(Viewer("root", "admin"), "select count(*) from raw.loads")


def test_the_agency_rows_are_owner_only_and_outside_the_shared_folder(sample_warehouse):
    home = sample_warehouse[0]
    rows = home / "agency_rows.duckdb"
    assert stat.S_IMODE(rows.stat().st_mode) == 0o600
    assert sorted(p.name for p in (home / "published").iterdir()) == ["manifest.json", "warehouse.duckdb"]
    with duckdb.connect(str(rows), read_only=True) as con:
        held = set(con.execute("select schema_name, table_name from duckdb_tables()").fetchall())
        keys = set(con.execute("select table_name from duckdb_columns() where column_name = 'agency_cd'").fetchall())
        lists = set(con.execute("select table_name from duckdb_columns() where column_name = 'agency_code'").fetchall())
    # The raw tables keyed by agency, the client-level lists an agency reads on its page, and what the
    # next publish writes them by difference from (accueil/agency_rows.py), keyed by no agency.
    assert {schema for schema, _ in held} == {"main", "marts", "publish_state"}
    assert {(name,) for schema, name in held if schema == "main"} == keys
    assert {name for schema, name in held if schema == "marts"} == {name for (name,) in lists} == set(AGENCY_LISTS)


# ---- publish itself ---------------------------------------------------------------------------------------


def _tiny_warehouse() -> None:
    config.home().mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(config.warehouse_path())) as con:
        con.execute(
            f"""
            create schema raw; create schema staging; create schema intermediate; create schema marts;
            create schema reference;
            create table raw.loads as select 'extract' as kind, 'AG001' as agency_cd, '2024Q1' as quarter,
                1 as upload_id, 'x' as sha256;
            create table raw.client_profile as select 'AG001' as agency_cd, '{CLIENT_MARKER}' as client_key;
            create table raw.indicator_loads as select 1 as upload_id;
            create view staging.stg_client_profile as select * from raw.client_profile;
            create table intermediate.int_client_spine as select * from raw.client_profile;
            create table marts.fct_outputs as select 'AG001' as agency_code, 42 as clients_served;
            create view marts.v_outputs as select * from marts.fct_outputs;
            create table reference.codes as select 'a' as code;
            """
        )


def test_publish_copies_the_served_tables_into_a_new_file_with_no_client_row_in_its_bytes():
    _tiny_warehouse()
    target = publish()
    with duckdb.connect(str(target), read_only=True) as con:
        held = con.execute("select schema_name, table_name from duckdb_tables() order by all").fetchall()
        assert con.execute("select * from marts.v_outputs").fetchall() == [("AG001", 42)]  # a view, as a table
    assert held == [("marts", "fct_outputs"), ("marts", "v_outputs"), ("reference", "codes")]
    # Not a copy of the warehouse with the rest dropped: a dropped table's bytes stay in a file.
    assert CLIENT_MARKER.encode() not in target.read_bytes()
    assert CLIENT_MARKER.encode() in agency_rows_path().read_bytes()  # where it is: the marker can be found
    with duckdb.connect(str(agency_rows_path()), read_only=True) as con:
        assert con.execute(
            "select table_name from duckdb_tables() where schema_name = 'main' order by 1"
        ).fetchall() == [
            ("client_profile",),
            ("loads",),
        ]


def test_a_failed_publish_leaves_the_last_files_and_no_partial_copy(monkeypatch):
    from accueil import publish as module

    _tiny_warehouse()
    publish()
    target, rows = config.published_path(), agency_rows_path()
    before = target.read_bytes(), rows.read_bytes(), (target.parent / "manifest.json").read_text()
    write = module.agency_rows.write

    def half(*args):
        write(*args)
        raise duckdb.IOException("could not write: the disk broke")

    monkeypatch.setattr(module.agency_rows, "write", half)
    with pytest.raises(duckdb.IOException):
        publish()
    assert (target.read_bytes(), rows.read_bytes(), (target.parent / "manifest.json").read_text()) == before
    assert not [p for p in config.home().rglob("*") if ".partial" in p.name]


def test_partials_a_killed_publish_left_are_removed():
    folder = config.published_path().parent
    folder.mkdir(parents=True)
    left = [
        folder / f".warehouse.duckdb.{os.getpid() + 1}.partial",
        folder / ".manifest.json.77.partial",
        config.home() / ".agency_rows.duckdb.77.partial",
        config.home() / ".agency_rows.duckdb.77.partial.wal",
    ]
    kept = [config.home() / "agency_rows.duckdb", folder / "warehouse.duckdb", config.home() / ".other.partial"]
    for path in left + kept:
        path.write_bytes(b"x")
    assert sorted(remove_partials()) == sorted(left)
    assert all(p.exists() for p in kept)


@pytest.mark.parametrize(
    ("schema", "table"),
    [("marts", "dim_indicator_baseline"), ("raw", "indicator_baseline_state")],
    ids=["snapshot-now", "snapshot-before-issue-23"],
)
def test_a_restore_carries_the_baselines_from_a_snapshot_of_either_kind(schema, table):
    from accueil.ops.restore import BASELINE_SOURCES, _carry_baseline_state

    assert (schema, table) in BASELINE_SOURCES
    path = config.published_path()
    path.parent.mkdir(parents=True)
    with duckdb.connect(str(path)) as con:
        con.execute(f"create schema {schema}")
        con.execute(
            f"create table {schema}.{table} as select 'recent_imm_unemployment_rate' as indicator_code,"
            " 'REGION' as geography_code, 7 as upload_id, '2023' as baseline_period, 'council_file' as baseline_source,"
            " 8.0 as target_value, date '2028-12-31' as target_date"
        )
    assert _carry_baseline_state() == 1
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as con:
        assert con.execute("select indicator_code, baseline_period from raw.indicator_baseline_state").fetchall() == [
            ("recent_imm_unemployment_rate", "2023")
        ]
