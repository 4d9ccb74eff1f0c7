"""The agency file's sites (agencies_v2) at the door: a v2 file and a v1 file both load, and a
v2 file with an unknown FSA, an unknown stream or a duplicated site is refused, the row named,
in English and French."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from accueil.contract import agencies_contract, agencies_contract_v1
from accueil.generate import GenerateOptions, generate
from accueil.ingest.validate import validate_agencies
from accueil.workbook import write_workbook
from tests.raw_extracts import read_workbook


@pytest.fixture(scope="module")
def sheets(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("sites-region")
    generate(GenerateOptions(out=out, agencies=4, quarters=1, clients=200, seed=5))
    return read_workbook(out / "agencies.xlsx")


def _write(path: Path, contract, sheets: dict) -> bytes:
    rows = {s.name: [tuple(r) for r in sheets[s.name][s.column_names].itertuples(index=False)] for s in contract.sheets}
    write_workbook(path, contract, rows, "Agencies")
    return path.read_bytes()


def test_a_v2_file_loads_with_its_site_services(sheets, tmp_path):
    outcome = validate_agencies(_write(tmp_path / "v2.xlsx", agencies_contract(), sheets), file_name="v2.xlsx")
    assert outcome.accepted, [p.rule for p in outcome.report.errors]
    services = outcome.sheets["Site services"]
    assert len(services) == len(sheets["Site services"]) > 0
    assert set(services["language_id"]) >= {"English"}


def test_a_v1_file_loads_each_site_offering_all_its_agencys_streams(sheets, tmp_path):
    v1 = agencies_contract_v1()
    data = _write(tmp_path / "v1.xlsx", v1, sheets)
    outcome = validate_agencies(data, file_name="v1.xlsx")
    assert outcome.accepted, [p.rule for p in outcome.report.errors]
    assert list(outcome.sheets) == agencies_contract().sheet_names
    assert (outcome.sheets["Sites"][["latitude", "longitude", "remote_service_id"]] == "").all().all()
    # Recomputed here: every site x every stream of its agency's programs, language not stated.
    expected = {
        (site, stream)
        for site, agency in zip(sheets["Sites"]["site_cd"], sheets["Sites"]["agency_cd"], strict=True)
        for owner, stream in zip(sheets["Programs"]["agency_cd"], sheets["Programs"]["stream_id"], strict=True)
        if owner == agency
    }
    got = outcome.sheets["Site services"]
    assert set(zip(got["site_cd"], got["stream_id"], strict=True)) == expected and len(got) == len(expected)
    assert (got["language_id"] == "").all()


def _bad(sheets: dict, case: str) -> tuple[dict, str, int, str, str]:
    """A copy of the sheets with one fault; (sheets, sheet, spreadsheet row, column, rule).
    A workbook's data start on row 4."""
    bad = {name: frame.copy() for name, frame in sheets.items()}
    if case == "unknown FSA":
        bad["Sites"].iloc[1, bad["Sites"].columns.get_loc("site_fsa")] = "Z9Z"  # well formed; no FSA begins with Z
        return bad, "Sites", 5, "site_fsa", "fsa_unknown"
    if case == "unknown stream":
        bad["Site services"].iloc[2, bad["Site services"].columns.get_loc("stream_id")] = "Teleportation"
        return bad, "Site services", 6, "stream_id", "code_not_in_list"
    sites = bad["Sites"]
    bad["Sites"] = pd.concat([sites, sites.iloc[[0]].assign(site_name="The same site again")], ignore_index=True)
    return bad, "Sites", 4 + len(sites), "site_cd", "duplicate_key"


@pytest.mark.parametrize("case", ["unknown FSA", "unknown stream", "duplicated site"])
def test_a_bad_v2_file_is_refused_with_the_row_named_in_both_languages(sheets, tmp_path, case):
    bad, sheet, row, column, rule = _bad(sheets, case)
    outcome = validate_agencies(_write(tmp_path / "bad.xlsx", agencies_contract(), bad), file_name="bad.xlsx")
    assert not outcome.accepted and outcome.sheets == {}
    errors = [p for p in outcome.report.errors if p.rule == rule]
    assert errors, [p.rule for p in outcome.report.errors]
    named = [p for p in errors if p.sheet == sheet and p.column == column and p.row == row]
    assert named, [(p.sheet, p.row, p.column) for p in errors]
    english, french = named[0].text("en")[0], named[0].text("fr")[0]
    assert english and french and english != french
