"""A funder bound to its grants sees those agencies and the region totals only: on every page, in
every download, in every named query and in `accueil sql --user`, on the sample region's snapshot.

Expected rows are read from the published snapshot here with plain DuckDB SQL, never through the
access layer.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from accueil import access, auth, control
from accueil.access import AccessDenied, Viewer
from accueil.access.adhoc import run_sql
from accueil.auth import users
from accueil.cli import cli
from tests.test_dashboards import PASSWORD, make_home, open_page, snapshot, table

pytestmark = pytest.mark.usefixtures("cheap_hashes")

FUNDS = ("AG002", "AG005")
SCOPE = {*FUNDS, "ALL"}


@pytest.fixture
def home(sample_warehouse, tmp_path, monkeypatch) -> Path:
    target = make_home(sample_warehouse, tmp_path, monkeypatch)
    with control.connect() as con:
        users.add(con, "test", "gina", "funder", None, PASSWORD, list(FUNDS))
    return target


def _an_outcome(home: Path) -> str:
    return snapshot(home, "select min(outcome) as o from marts.fct_outcome_rates where period = 'all'")["o"][0]


def _viewer() -> Viewer:
    return auth.viewer_for("gina", PASSWORD)


def test_the_funder_is_bound_to_its_grants_in_the_user_store(home):
    viewer = _viewer()
    assert viewer.role == "funder" and viewer.funds == frozenset(FUNDS)
    with sqlite3.connect(home / "control.sqlite") as con:
        rows = con.execute("select agency_cd from user_agencies where user_name = 'gina' order by 1").fetchall()
        detail = con.execute(
            "select detail from audit_log where action = 'user_added' and target = 'user:gina'"
        ).fetchone()[0]
    assert [r[0] for r in rows] == list(FUNDS)
    assert '"funds": ["AG002", "AG005"]' in detail


def test_named_queries_cover_the_grants_and_the_region_only(home):
    viewer, everyone = _viewer(), Viewer("fay", "funder")
    period = snapshot(home, "select max(period) as p from marts.dim_period")["p"][0]
    expected = snapshot(
        home,
        "select agency_code, clients_served from marts.fct_outcomes_vs_outputs where period = ?"
        " and grain in ('agency', 'region') and list_contains(?, agency_code) order by agency_code",
        period,
        sorted(SCOPE),
    )
    got = access.fetch(viewer, "outputs_outcomes.agencies", period=period).sort_values("agency_code")
    assert list(got["agency_code"]) == list(expected["agency_code"]) == sorted(SCOPE)
    # The same figures an unbound funder gets for those rows (after the same disclosure control).
    unbound = access.fetch(everyone, "outputs_outcomes.agencies", period=period)
    assert len(unbound) == 13
    same = unbound.loc[unbound["agency_code"].isin(SCOPE)].sort_values("agency_code").reset_index(drop=True)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), same)
    outcome = _an_outcome(home)
    for name, params, sql in [
        ("catalog.agencies", {}, "select agency_code from marts.dim_agency"),
        ("catalog.programs", {}, "select agency_code from marts.dim_program"),
        (
            "outcomes.agencies",
            {"outcome": outcome, "period": "all"},
            f"select agency_code from marts.fct_outcome_rates where outcome = '{outcome}' and period = 'all'"
            " and breakdown = 'all'",
        ),
    ]:
        frame = access.fetch(viewer, name, **params)
        every = set(snapshot(home, sql)["agency_code"])
        assert set(frame["agency_code"]) == every & SCOPE and every - SCOPE, name
    flows = access.fetch(viewer, "referrals.flows", period="all", stream="all")
    every = snapshot(
        home, "select from_code, to_code from marts.fct_referral_flows where period = 'all' and stream_code = 'all'"
    )
    inside = every.loc[every["from_code"].isin(SCOPE) & every["to_code"].isin(SCOPE)]
    assert len(flows) == len(inside) and len(every) > len(inside)
    assert set(flows["from_code"]) | set(flows["to_code"]) <= SCOPE


def test_another_agency_by_name_is_refused(home):
    viewer = _viewer()
    assert not access.fetch(viewer, "outcomes.trend", agency="AG002").empty
    assert not access.fetch(viewer, "outcomes.trend", agency="ALL").empty
    for agency in ("AG001", "ag002", " AG002", "AG002' or '1'='1"):
        with pytest.raises(AccessDenied):
            access.fetch(viewer, "outcomes.trend", agency=agency)
    with pytest.raises(AccessDenied):
        access.fetch(viewer, "outputs.agency", agency="AG003")


def test_sql_for_the_funder_holds_only_its_agencies_and_the_region(home):
    viewer = _viewer()
    for table_name in ("fct_outputs", "fct_outcome_rates", "fct_outcomes_vs_outputs", "dim_agency", "dim_program"):
        got = run_sql(viewer, f"select agency_code, count(*) as n from marts.{table_name} group by 1 order by 1")
        expected = snapshot(
            home,
            f"select agency_code, count(*) as n from marts.{table_name} where list_contains(?, agency_code)"
            " group by 1 order by 1",
            sorted(SCOPE),
        )
        assert list(got["agency_code"]) == list(expected["agency_code"]), table_name
        assert list(got["n"]) == list(expected["n"]), table_name
    flows = run_sql(viewer, "select distinct from_code, to_code from marts.fct_referral_flows")
    assert set(flows["from_code"]) | set(flows["to_code"]) <= SCOPE
    # However it is asked: the other agencies' rows are not there to be found.
    assert run_sql(viewer, "select count(*) as n from marts.fct_outputs where agency_code = 'AG001'")["n"][0] == 0


def test_the_cli_binds_a_funder_and_refuses_an_unknown_agency(home, sample_warehouse):
    runner = CliRunner()
    add = ["users", "add", "hal", "--role", "funder", "--funds", "AG002,AG999"]
    refused = runner.invoke(cli, add, input=PASSWORD + "\n")
    # make_home does not carry the reference file: without one, no code can be checked.
    assert refused.exit_code == 1 and "no agency reference file is loaded yet" in refused.output
    with sqlite3.connect(home / "control.sqlite") as con:
        (reference,) = con.execute("select max(upload_id) from uploads where kind = 'agencies'").fetchone()
    shutil.copytree(sample_warehouse[0] / "accepted" / str(reference), home / "accepted" / str(reference))
    refused = runner.invoke(cli, add, input=PASSWORD + "\n")
    assert refused.exit_code == 1
    assert refused.output.strip() == "Error: AG999 is not an agency of the agency reference file; check the code."
    added = runner.invoke(cli, [*add[:-1], "ag005", "--funds", "AG002"], input=PASSWORD + "\n")
    assert added.exit_code == 0 and "Added hal (funder of AG002, AG005)." in added.output
    assert auth.viewer_for("hal", PASSWORD).funds == frozenset(FUNDS)
    wrong = runner.invoke(cli, ["users", "add", "ivy", "--role", "council", "--funds", "AG002"], input=PASSWORD + "\n")
    assert wrong.exit_code == 1 and "only a funder is bound to the agencies it funds" in wrong.output
    changed = runner.invoke(cli, ["users", "set-role", "hal", "--role", "funder", "--funds", "AG005"])
    assert changed.exit_code == 0 and "hal is now funder of AG005." in changed.output
    assert auth.viewer_for("hal", PASSWORD).funds == frozenset({"AG005"})
    unbound = runner.invoke(cli, ["users", "set-role", "hal", "--role", "funder"])
    assert unbound.exit_code == 0 and auth.viewer_for("hal", PASSWORD).funds is None


def test_the_pages_and_downloads_show_the_grants_and_the_region_only(home):
    at = open_page("funders", user="gina")
    shown = table(at, "Agency", "Clients served")
    codes = {label.split(" — ")[0] for label in shown["Agency"]}
    assert codes == set(FUNDS) | {"All agencies"}
    assert {o.split(" — ")[0] for o in at.selectbox(key="f_agency__en").options} == set(FUNDS)
    # The table's CSV download is an audited export of the same three rows.
    at.get("download_button")[0].click().run()
    with sqlite3.connect(home / "control.sqlite") as con:
        exports = con.execute(
            "select target, detail from audit_log where action = 'export' and actor = 'gina'"
        ).fetchall()
    assert len(exports) == 1 and exports[0][0].startswith("csv:outputs_outcomes_")
    assert '"rows": 3' in exports[0][1]
    at = open_page("journeys", user="gina")
    assert not at.exception
    for frame in at.dataframe:
        for column in frame.value.columns:
            values = {str(v) for v in frame.value[column]}
            for other in {f"AG{n:03d}" for n in range(1, 13)} - set(FUNDS):
                assert not any(v.startswith(other) for v in values), (column, other)
