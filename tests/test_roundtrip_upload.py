"""Anonymised iCARE workbooks go through the same door as the generator's own extracts.

Issue #4's round trip ends in the warehouse: anonymising the generator's identified
workbooks and uploading them is accepted and gives the same warehouse counts as
uploading the generator's anonymised extracts.  Issue #3: IRCC's own example
workbook, anonymised, gets a clear report rather than a crash.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from accueil import config
from accueil.anonymise.commands import anonymise, keygen
from accueil.contract import extract_contract
from accueil.generate import GenerateOptions, generate
from accueil.ingest.submit import submit_agencies, submit_extract
from accueil.quarters import Quarter
from orchestration.build import run_build
from tests.conftest import ICARE_WORKBOOK


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("roundtrip-region")
    generate(GenerateOptions(out=out, agencies=2, quarters=2, clients=500, seed=5, identified=True))
    return out


def _anonymise(source: Path, out: Path, key: Path, agency: str, quarter: str) -> None:
    result = CliRunner().invoke(
        anonymise, [str(source), "--quarter", quarter, "--agency", agency, "--key-file", str(key), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output


def _counts() -> dict[str, int]:
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as con:
        return {
            s.table: con.execute(f"select count(*) from raw.{s.table}").fetchone()[0] for s in extract_contract().sheets
        }


def _load(files: list[Path], region: Path) -> dict[str, int]:
    assert submit_agencies(region / "agencies.xlsx", user="t").accepted
    for path in files:
        agency, quarter = path.stem.split("_")
        submission = submit_extract(path, agency, Quarter.parse(quarter), user="t")
        assert submission.accepted, [p.text("en") for p in submission.outcome.report.errors[:3]]
    run_build(transform=False)  # the raw tables are what is compared
    return _counts()


def test_anonymised_identified_workbooks_load_like_the_generated_extracts(region, tmp_path, monkeypatch):
    key = region / "identified" / "partnership.key"
    anonymised = []
    for source in sorted((region / "identified").glob("AG*.xlsx")):
        agency, quarter = source.stem.split("_")
        target = tmp_path / "anonymised" / source.name
        target.parent.mkdir(exist_ok=True)
        _anonymise(source, target, key, agency, quarter)
        anonymised.append(target)
    monkeypatch.setenv("ACCUEIL_HOME", str(tmp_path / "via-anonymiser"))
    via_anonymiser = _load(anonymised, region)
    monkeypatch.setenv("ACCUEIL_HOME", str(tmp_path / "direct"))
    direct = _load(sorted(region.glob("AG*.xlsx")), region)
    assert via_anonymiser == direct
    assert direct["info_orientation"] > 100 and direct["client_profile"] > 100


def test_the_ircc_example_workbook_after_anonymisation_gets_a_clear_report(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCUEIL_HOME", str(tmp_path / "home"))
    key = tmp_path / "partnership.key"
    assert CliRunner().invoke(keygen, ["--out", str(key)]).exit_code == 0
    out = tmp_path / "AG001_2018Q2.xlsx"
    _anonymise(ICARE_WORKBOOK, out, key, "AG001", "2018Q2")
    submission = submit_extract(out, "AG001", Quarter.parse("2018Q2"), user="t")
    assert not submission.accepted
    rules = {p.rule for p in submission.outcome.report.errors}
    # IRCC's example has no gender, immigration category or arrival date, which the
    # warehouse needs (the anonymiser writes the columns, empty), and carries its own
    # inconsistencies.
    empty = {p.column for p in submission.outcome.report.errors if p.rule == "required_value"}
    assert {"gender_id", "immigration_category_id", "arrival_dt"} <= empty
    assert {"birth_year_conflict", "course_not_set_up"} & rules
    assert "identifier_value" not in rules and "identifier_column" not in rules
    page = submission.report_html.read_text(encoding="utf-8")
    assert "gender_id" in page and "How to fix it" in page
