"""`accueil generate --identified` and the round trip through `accueil anonymise` (issue #4).

The generator writes, beside each anonymised extract, the iCARE workbook an agency would
hold before anonymisation (fictitious identifiers) and the region's partnership key.
Anonymising those workbooks with that key must give back the generator's own extracts.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from accueil.anonymise.commands import anonymise
from accueil.contract import extract_contract
from accueil.generate import GenerateOptions, generate, partnership_key
from accueil.pseudonym import normalise_identifier
from tests.raw_extracts import read_workbook


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("identified-region")
    generate(GenerateOptions(out=out, agencies=3, quarters=2, clients=600, seed=7, identified=True))
    return out


@pytest.fixture(scope="module")
def anonymised(region, tmp_path_factory) -> dict[str, Path]:
    """Every identified workbook anonymised with the region's key file, through the command."""
    target = tmp_path_factory.mktemp("anonymised")
    outputs = {}
    for source in sorted((region / "identified").glob("AG*.xlsx")):
        agency, quarter = source.stem.split("_")
        out = target / source.name
        result = CliRunner().invoke(
            anonymise,
            [
                str(source),
                "--quarter",
                quarter,
                "--agency",
                agency,
                "--key-file",
                str(region / "identified" / "partnership.key"),
                "--out",
                str(out),
            ],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
        assert "0 error(s), 0 warning(s)" in result.output  # the generator's data are clean
        outputs[source.name] = out
    return outputs


def identified_rows(path: Path) -> dict[str, list[dict]]:
    book = CalamineWorkbook.from_path(str(path))
    sheets = {}
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        sheets[name] = [dict(zip(rows[1], r, strict=False)) for r in rows[3:]]
    return sheets


def test_an_identified_workbook_and_the_key_are_written_for_each_extract(region):
    extracts = sorted(p.name for p in region.glob("AG*.xlsx"))
    assert len(extracts) == 6
    assert sorted(p.name for p in (region / "identified").glob("AG*.xlsx")) == extracts
    key = region / "identified" / "partnership.key"
    assert key.read_text() == partnership_key(7).hex() + "\n"
    if os.name == "posix":
        assert key.stat().st_mode & 0o777 == 0o600


def test_generate_writes_no_identified_workbooks_unless_asked(small_region):
    assert not (small_region / "identified").exists()


def test_identified_workbooks_carry_identifiers_written_differently_at_each_agency(region):
    ids_by_agency: dict[str, list] = {}
    births: dict[str, set] = {}
    for path in sorted((region / "identified").glob("AG*_2024Q1.xlsx")):
        profile = identified_rows(path)["Client Profile"]
        assert "client_key" not in profile[0] and "client_birth_year" not in profile[0]
        ids_by_agency[path.stem[:5]] = [r["client_validation_id"] for r in profile]
        for r in profile:
            assert re.fullmatch(r"[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d", r["postal_txt"])
            assert r["email_txt"].endswith("@example.org") and r["phone_no"] and r["street_nme"]
            births.setdefault(normalise_identifier(r["client_validation_id"]), set()).add(str(r["client_birth_dt"]))
    first = {agency: ids[0] for agency, ids in ids_by_agency.items()}
    assert isinstance(first["AG001"], float)  # a number cell, as spreadsheets keep ids
    assert re.fullmatch(r"\d{4}-\d{4}", first["AG002"])
    assert re.fullmatch(r"00 \d{4} \d{4}", first["AG003"])
    # Some clients are served at two agencies, under differently written identifiers.
    normalised = {a: {normalise_identifier(i) for i in ids} for a, ids in ids_by_agency.items()}
    assert normalised["AG001"] & normalised["AG002"] or normalised["AG002"] & normalised["AG003"]
    # ... with one date of birth, however the cell is written (text, a date cell, slashes).
    assert all(len({s.replace("/", "-")[:10] for s in b}) == 1 for b in births.values())


def sorted_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def test_round_trip_gives_back_the_generators_anonymised_extracts(region, anonymised):
    contract = extract_contract()
    compared = 0
    for name, out in anonymised.items():
        ours, theirs = read_workbook(out), read_workbook(region / name)
        assert list(ours) == contract.sheet_names == list(theirs)
        for sheet in contract.sheet_names:
            # Every column of every sheet is compared; none is excluded.
            assert list(ours[sheet].columns) == list(theirs[sheet].columns)
            left, right = sorted_frame(ours[sheet]), sorted_frame(theirs[sheet])
            pd.testing.assert_frame_equal(left, right, obj=f"{name}: {sheet}")
            compared += left.size
        # Rows come out in the order they went in, so the files are the same bytes, too.
        assert out.read_bytes() == (region / name).read_bytes(), name
    assert compared > 20_000


def test_no_identifier_of_the_identified_workbooks_reaches_the_anonymised_ones(region, anonymised):
    for name, out in anonymised.items():
        tokens = set()
        for sheet in identified_rows(region / "identified" / name).values():
            for row in sheet:
                # Not client_birth_dt: a full date of birth can equal a service date by chance.
                for column in (
                    "client_validation_id",
                    "postal_cd",
                    "postal_txt",
                    "phone_no",
                    "email_txt",
                    "street_nme",
                    "contact_nme",
                    "course_note",
                    "processing_details",
                ):
                    value = row.get(column)
                    if value not in (None, ""):
                        text = str(int(value)) if isinstance(value, float) else str(value)
                        tokens.update(
                            {text, normalise_identifier(text)} if column == "client_validation_id" else {text}
                        )
        assert len(tokens) > 50
        cells = {str(v) for frame in read_workbook(out).values() for v in frame.to_numpy().ravel()}
        assert tokens.isdisjoint(cells), name
        text = " ".join(cells)
        assert not [t for t in tokens if len(t) >= 8 and t in text], name
