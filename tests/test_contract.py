"""The contract is faithful to IRCC's iCARE workbook and consistent in itself."""

from __future__ import annotations

import csv
import importlib.util
import subprocess
import sys
from pathlib import Path

from python_calamine import CalamineWorkbook

from accueil.contract import SEEDS_DIR, agencies_contract, code_lists, extract_contract, fold
from tests.conftest import ICARE_WORKBOOK

ROOT = Path(__file__).resolve().parents[1]


def icare_machine_names() -> dict[str, list[str]]:
    book = CalamineWorkbook.from_path(str(ICARE_WORKBOOK))
    return {name: [str(v) for v in book.get_sheet_by_name(name).to_python()[1]] for name in book.sheet_names}


def test_icare_sheets_and_columns_exist_in_the_reference_workbook():
    icare = icare_machine_names()
    checked = 0
    for sheet in extract_contract().sheets:
        if sheet.source != "icare":
            assert sheet.name not in icare
            continue
        assert sheet.name in icare, f"{sheet.name} is not an iCARE sheet"
        for column in sheet.columns:
            if column.source == "icare":
                assert column.name in icare[sheet.name], f"{sheet.name}.{column.name} is not in iCARE"
                checked += 1
            else:
                assert column.name not in icare[sheet.name], f"{column.name} is iCARE's, mark it so"
            # A block column (postal_fsa) replaces the iCARE column where the sheet has one.
            every_icare_column = {name for cols in icare.values() for name in cols}
            for replaced in column.replaces:
                assert replaced in every_icare_column, f"{sheet.name}: {column.name} replaces unknown {replaced}"
    assert checked > 150


def test_direct_identifier_columns_of_icare_are_all_listed():
    """Every contact/address/identifier column iCARE has is named in direct_identifiers."""
    icare = icare_machine_names()
    identifying = {
        "client_validation_id",
        "client_birth_dt",
        "phone_no",
        "email_txt",
        "street_no",
        "street_nme",
        "unit_txt",
        "postal_cd",
        "postal_txt",
        "contact_nme",
        "city_txt",
    }
    present = {name for cols in icare.values() for name in cols} & identifying
    assert present <= set(extract_contract().direct_identifiers)
    for sheet in extract_contract().sheets:
        assert not set(sheet.column_names) & set(extract_contract().direct_identifiers)


def test_every_column_has_both_labels_and_labels_are_unique_per_sheet():
    for contract in (extract_contract(), agencies_contract()):
        for sheet in contract.sheets:
            assert sheet.name_fr
            for labels in ([c.label_en for c in sheet.columns], [c.label_fr for c in sheet.columns]):
                folded = [fold(label) for label in labels]
                assert all(folded)
                assert len(set(folded)) == len(folded), f"{sheet.name}: two columns share a label"


def test_code_list_seed_is_derived_from_the_workbook():
    """The committed seed equals what the derivation script makes from the reference workbook."""
    spec = importlib.util.spec_from_file_location("derive", ROOT / "scripts" / "derive_codelists.py")
    derive = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(derive)
    lists = derive.options_lists(ICARE_WORKBOOK)
    with (SEEDS_DIR / "icare_code_values.csv").open(encoding="utf-8") as handle:
        seeded: dict[str, list[str]] = {}
        for row in csv.DictReader(handle):
            seeded.setdefault(row["code_list"], []).append(row["label_en"])
            assert row["label_fr"], f"{row['code_list']}:{row['label_en']} has no French label"
    assert seeded == lists
    assert len(lists["language"]) > 250 and lists["clb_reading_writing"][2] == "Lit - Foundation L"


def test_code_values_fold_to_distinct_spellings():
    """A value given by its code, English or French label must identify one value only."""
    for name, codelist in code_lists().items():
        seen: dict[str, str] = {}
        for value in codelist.values:
            for spelling in {fold(value.code), fold(value.label_en), fold(value.label_fr)}:
                assert seen.setdefault(spelling, value.code) == value.code, f"{name}: {spelling!r} is ambiguous"


def test_contract_docs_are_generated_from_the_contract():
    # Every page generated from code: the extract contract (and dbt sources), the indicator catalogue.
    for page in ("contract", "indicators"):
        result = subprocess.run(
            [sys.executable, "-m", "accueil.cli", "docs", page, "--check"], capture_output=True, text=True, cwd=ROOT
        )
        assert result.returncode == 0, result.stderr
    page = (ROOT / "docs" / "extract-contract.md").read_text(encoding="utf-8")
    for sheet in extract_contract().sheets:
        assert f"### {sheet.name} / {sheet.name_fr}" in page
