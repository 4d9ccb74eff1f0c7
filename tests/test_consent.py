"""Consent: a client whose `consent_ind` says No is counted in every aggregate and listed nowhere.

On the sample region (about one client in five says No): the client-level rows an agency reads
(`accueil sql --user`, schema `own`) hold none of them, in any table; the aggregates still count
them.  Expected values are computed here from the working warehouse's raw tables with pandas.
"""

from __future__ import annotations

import duckdb
import pytest

from accueil.access import Viewer
from accueil.access.adhoc import run_sql
from tests.test_dashboards import make_home, snapshot

pytestmark = pytest.mark.usefixtures("cheap_hashes")
AGENCY = "AG001"


@pytest.fixture
def raw(sample_warehouse, tmp_path, monkeypatch):
    home = make_home(sample_warehouse, tmp_path, monkeypatch)
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        profiles = con.execute("select agency_cd, quarter, client_key, consent_ind from raw.client_profile").df()
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from duckdb_columns() where schema_name = 'raw' and column_name = 'client_key'"
            ).fetchall()
        ]
        rows = {t: con.execute(f"select * from raw.{t} where agency_cd = ?", [AGENCY]).df() for t in tables}
    return home, profiles, rows


def test_a_client_who_said_no_is_in_no_client_level_table(raw):
    _, profiles, rows = raw
    refused = set(profiles.loc[profiles["consent_ind"] == "No", "client_key"])
    mine = set(profiles.loc[profiles["agency_cd"] == AGENCY, "client_key"])
    assert len(refused & mine) > 50  # the sample has them: the test can fail
    ana = Viewer("ana", "agency", AGENCY)
    for table, frame in rows.items():
        listed = run_sql(ana, f"select client_key from own.{table}")
        assert not set(listed["client_key"]) & refused, table
        assert len(listed) == int((~frame["client_key"].isin(refused)).sum()), table
    # However the agency asks: a refused key is not there to be found.
    key = sorted(refused & mine)[0]
    found = run_sql(ana, f"select count(*) as n from own.client_profile where client_key = '{key}'")
    assert found["n"][0] == 0


def test_a_client_who_said_no_is_still_counted_in_aggregates(raw):
    home, profiles, _ = raw
    mine = profiles.loc[profiles["agency_cd"] == AGENCY]
    quarter = sorted(mine["quarter"])[-1]
    in_quarter = mine.loc[mine["quarter"] == quarter]
    assert (in_quarter["consent_ind"] == "No").sum() > 0
    counted = snapshot(
        home,
        "select row_count from marts.fct_extract_completeness where agency_code = ? and quarter = ?"
        " and table_name = 'client_profile' and column_name = 'client_key'",
        AGENCY,
        quarter,
    )
    assert counted["row_count"][0] == len(in_quarter)  # every profile row, the refused included
    # The marts every aggregate is built from hold every client, the refused included.
    refused = set(profiles.loc[profiles["consent_ind"] == "No", "client_key"])
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        clients = set(con.execute("select client_key from marts.dim_client").df()["client_key"])
    assert refused <= clients
