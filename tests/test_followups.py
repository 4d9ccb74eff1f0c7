"""Open referrals and overdue follow-ups on the sample region, against an independent recomputation.

The lists an agency reads (accueil.access.followups) and the partnership's counts (marts
`fct_open_items`) are compared with tests/reference_followups.py, plain pandas on the extract
files; each agency sees its own list only, never another's; a client who did not consent is in
the counts and in no list.
"""

from __future__ import annotations

import json
import sqlite3

import pandas as pd
import pytest
from click.testing import CliRunner

from accueil.access import AccessDenied, Viewer
from accueil.access import followups as lists
from accueil.cli import cli
from tests import reference_followups as ref
from tests.raw_extracts import read_region
from tests.test_dashboards import make_home, open_page, snapshot, table

pytestmark = pytest.mark.usefixtures("cheap_hashes")
DAYS = 30  # the sample warehouse is built with the default


@pytest.fixture(scope="module")
def expected(sample_warehouse):
    _, region, _truth = sample_warehouse
    sheets = read_region(str(region))
    end = ref.data_end(sheets)
    referrals = ref.open_referrals(sheets, end, DAYS)
    overdue = ref.overdue_followups(sheets, end)
    agencies = sorted(sheets["Client Profile"]["agency"].unique())
    return {
        "end": end,
        "referrals": referrals,
        "overdue": overdue,
        "refused": ref.refused(sheets),
        "agencies": agencies,
        "counts": ref.counts(referrals, overdue, agencies),
    }


@pytest.fixture
def home(sample_warehouse, tmp_path, monkeypatch):
    return make_home(sample_warehouse, tmp_path, monkeypatch)


def _keys(frame: pd.DataFrame, days: str) -> dict[tuple[str, str], int]:
    return {
        (q, str(r)): int(d) for q, r, d in zip(frame["reported_quarter"], frame["record_id"], frame[days], strict=True)
    }


def _expected_keys(frame: pd.DataFrame, agency: str, refused: set[str], days: str) -> dict[tuple[str, str], int]:
    mine = frame[(frame["agency"] == agency) & ~frame["client_key"].isin(refused)]
    return {(q, r): int(d) for q, r, d in zip(mine["quarter"], mine["record_id"], mine[days], strict=True)}


def test_each_agency_lists_exactly_its_own_consenting_clients(home, expected):
    refused = expected["refused"]
    assert len(expected["referrals"]) > 100 and len(expected["overdue"]) > 100  # the sample has them: can fail
    for agency in expected["agencies"]:
        me = Viewer(f"clerk-{agency}", "agency", agency)
        got = _keys(lists.agency_list(me, "referrals", agency), "days_open")
        assert got == _expected_keys(expected["referrals"], agency, refused, "days_open"), agency
        got = _keys(lists.agency_list(me, "followups", agency), "days_overdue")
        assert got == _expected_keys(expected["overdue"], agency, refused, "days_overdue"), agency


def test_the_lists_show_record_ids_never_the_client(home):
    for kind in lists.LISTS:
        frame = lists.agency_list(Viewer("root", "admin"), kind, "AG001")
        assert "client_key" not in frame.columns and "record_id" in frame.columns


def test_an_agency_never_reads_another_agencys_list(home):
    # A name of its own: views are audited once per viewer and snapshot within a window, in this process.
    ana = Viewer("ana-isolation", "agency", "AG001")
    for kind in lists.LISTS:
        with pytest.raises(AccessDenied):
            lists.agency_list(ana, kind, "AG002")
        for role in ("funder", "council"):
            with pytest.raises(AccessDenied):
                lists.agency_list(Viewer("x", role), kind, "AG001")
    assert len(lists.agency_list(ana, "referrals", "AG001"))
    audit = sqlite3.connect(home / "control.sqlite").execute(
        "select target, detail from audit_log where action = 'client_data_viewed' and actor = 'ana-isolation'"
    )
    assert any(t == "query:followups.referrals" and json.loads(d)["params"]["agency"] == "AG001" for t, d in audit)


def test_a_client_who_did_not_consent_is_counted_and_never_listed(home, expected):
    refused = expected["refused"]
    for frame, kind, days in (
        (expected["referrals"], "referrals", "days_open"),
        (expected["overdue"], "followups", "days_overdue"),
    ):
        theirs = frame[frame["client_key"].isin(refused)]
        assert len(theirs) > 10, kind  # refused clients with open items: the test can fail
        for agency, rows in theirs.groupby("agency"):
            listed = _keys(lists.agency_list(Viewer("root", "admin"), kind, agency), days)
            assert not set(zip(rows["quarter"], rows["record_id"], strict=True)) & set(listed), (kind, agency)
    # ... and counted: the region's counts hold every client.
    counts = snapshot(home, "select item, items from marts.fct_open_items where agency_code = 'ALL'")
    got = dict(zip(counts["item"], counts["items"], strict=True))
    assert got == {"open_referral": len(expected["referrals"]), "overdue_followup": len(expected["overdue"])}


def test_the_counts_equal_the_recomputation_and_suppressed_cells_are_never_zero(home, expected):
    got = snapshot(
        home, "select item, agency_code, items, suppressed, open_after_days, as_of_date from marts.fct_open_items"
    )
    want = expected["counts"]
    merged = want.merge(got, on=["item", "agency_code"], suffixes=("_want", "_got"), validate="one_to_one")
    assert len(merged) == len(want) == len(got)
    assert (merged["suppressed_want"] == merged["suppressed_got"]).all(), merged
    shown = merged[~merged["suppressed_got"]]
    assert (shown["items_want"] == shown["items_got"]).all(), shown
    assert merged.loc[merged["suppressed_got"], "items_got"].isna().all()  # suppressed: no value, not zero
    assert (got.loc[got["item"] == "open_referral", "open_after_days"] == DAYS).all()
    assert (pd.to_datetime(got["as_of_date"]) == expected["end"]).all()


def test_the_partnership_sets_the_days_with_an_audit_row(home):
    assert lists.open_days() == (30, False)
    runner = CliRunner()
    result = runner.invoke(cli, ["followups", "open-days", "45"])
    assert result.exit_code == 0, result.output
    assert lists.open_days() == (45, True)
    shown = runner.invoke(cli, ["followups"])
    assert "45 days" in shown.output and "built with 30 days; the next build uses 45" in shown.output
    assert runner.invoke(cli, ["followups", "open-days", "0"]).exit_code != 0
    runner.invoke(cli, ["followups", "open-days", "--default"])
    assert lists.open_days() == (30, False)
    rows = (
        sqlite3.connect(home / "control.sqlite")
        .execute("select target, detail from audit_log where action = 'setting_set' order by audit_id")
        .fetchall()
    )
    assert [json.loads(d)["value"] for _, d in rows] == ["45", None]
    assert rows[0][0] == "setting:referral_open_days"


def test_the_command_exports_a_formula_safe_csv(home, expected, tmp_path):
    out = tmp_path / "open.csv"
    result = CliRunner().invoke(cli, ["followups", "list", "referrals", "--agency", "AG001", "--out", str(out)])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out, dtype=str)
    want = _expected_keys(expected["referrals"], "AG001", expected["refused"], "days_open")
    assert {(q, r) for q, r in zip(frame["reported_quarter"], frame["record_id"], strict=True)} == set(want)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_page_shows_an_agency_its_lists_and_the_council_the_counts_only(home, expected, lang):
    at = open_page("followups", lang=lang, user="ana")
    headers = {"en": ("Record id", "Days open"), "fr": ("No d'enregistrement", "Jours ouvert")}[lang]
    shown = table(at, *headers)
    want = _expected_keys(expected["referrals"], "AG001", expected["refused"], "days_open")
    assert set(shown[headers[0]]) == {r for _, r in want}
    text = " ".join(m.value for m in at.markdown)
    assert ("30 days" if lang == "en" else "30 jours") in text
    council = open_page("followups", lang=lang, user="cam")
    assert not [f for f in council.dataframe if headers[0] in f.value.columns]  # no list for the council
    counts = table(council, *{"en": ("Open referrals",), "fr": ("Aiguillages ouverts",)}[lang])
    assert len(counts) == len(expected["agencies"]) + 1
