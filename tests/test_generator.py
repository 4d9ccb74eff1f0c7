"""The generator writes extracts in the iCARE layout, with iCARE values, deterministically."""

from __future__ import annotations

import csv
import re
import subprocess
import sys

import pandas as pd
from python_calamine import CalamineWorkbook

from accueil.contract import SEEDS_DIR, agencies_contract, extract_contract
from accueil.generate import GenerateOptions, generate
from tests.conftest import ICARE_WORKBOOK
from tests.raw_extracts import read_region, read_workbook
from tests.test_contract import ROOT

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.I)
PHONE = re.compile(r"\b\d{3}[-. )]\s?\d{3}[-. ]\d{4}\b")
POSTAL = re.compile(r"\b[A-Z]\d[A-Z] ?\d[A-Z]\d\b")


def test_same_seed_gives_byte_identical_files_and_another_seed_does_not(tmp_path):
    runs = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        out = tmp_path / name
        generate(GenerateOptions(out=out, seed=seed, agencies=3, quarters=2, clients=400))
        runs.append({str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert runs[0] == runs[1]
    assert runs[0].keys() == runs[2].keys()
    assert runs[0]["AG001_2024Q1.xlsx"] != runs[2]["AG001_2024Q1.xlsx"]
    # The client feedback files too, CSV and XLSX (accueil/generate/survey.py).
    assert {"surveys/AG001_EXIT_2024Q2.csv", "surveys/AG002_EXIT_2024Q2.xlsx"} <= runs[0].keys()


def test_cli_generate_twice_is_byte_identical(tmp_path):
    outs = []
    for name in ("one", "two"):
        out = tmp_path / name
        subprocess.run(
            [
                sys.executable,
                "-m",
                "accueil.cli",
                "generate",
                "--out",
                str(out),
                "--seed",
                "1",
                "--agencies",
                "2",
                "--quarters",
                "2",
                "--clients",
                "200",
            ],
            check=True,
            capture_output=True,
        )
        outs.append({str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert outs[0] == outs[1]
    assert "agencies.xlsx" in outs[0] and "truth.json" in outs[0]


def test_files_are_named_per_agency_and_quarter(sample_region):
    folder, truth = sample_region
    names = sorted(p.name for p in folder.glob("AG*.xlsx"))
    assert names == sorted(truth["files"])
    assert len(names) == 12 * 8  # every agency reports every quarter in the sample region
    assert all(re.fullmatch(r"AG\d{3}_20\d\dQ[1-4]\.xlsx", n) for n in names)


def test_workbooks_have_the_icare_layout(small_region):
    contract = extract_contract()
    for path in sorted(small_region.glob("AG*.xlsx")):
        book = CalamineWorkbook.from_path(str(path))
        assert book.sheet_names == contract.sheet_names
        for sheet in contract.sheets:
            rows = book.get_sheet_by_name(sheet.name).to_python()
            assert rows[0][0]  # a title
            assert [str(v) for v in rows[1]] == sheet.column_names
            assert [str(v) for v in rows[2]] == [c.label_en for c in sheet.columns]


def _options_values() -> dict[str, set[str]]:
    """Allowed values per code list, read from the reference workbook itself (not from the seed)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from derive_codelists import options_lists
    finally:
        sys.path.pop(0)
    return {name: set(values) for name, values in options_lists(ICARE_WORKBOOK).items()}


def _accueil_values() -> dict[str, set[str]]:
    lists: dict[str, set[str]] = {}
    with (SEEDS_DIR / "accueil_code_values.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            lists.setdefault(row["code_list"], set()).add(row["label_en"])
    return lists


def test_every_coded_value_is_in_its_code_list(sample_region):
    folder, _ = sample_region
    icare, own = _options_values(), _accueil_values()
    sheets = read_region(str(folder))
    checked = 0
    for sheet in extract_contract().sheets:
        frame = sheets[sheet.name]
        for column in sheet.columns:
            if column.type != "code":
                continue
            allowed = icare.get(column.codelist) or own[column.codelist]
            values = set(frame[column.name].astype(str)) - {""}
            assert values <= allowed, f"{sheet.name}.{column.name}: {sorted(values - allowed)[:5]}"
            checked += len(values)
    assert checked > 200


def test_values_have_their_types_and_no_direct_identifier_appears(sample_region):
    folder, _ = sample_region
    sheets = read_region(str(folder))
    for sheet in extract_contract().sheets:
        frame = sheets[sheet.name]
        for column in sheet.columns:
            values = frame[column.name].astype(str)
            filled = values[values != ""]
            if column.required:
                assert len(filled) == len(values), f"{sheet.name}.{column.name} has blanks"
            pattern = {
                "client_key": r"[0-9a-f]{64}",
                "fsa": r"[A-Z]\d[A-Z]",
                "date": r"\d{4}-\d\d-\d\d",
                "year": r"(19|20)\d\d(\.0)?",
            }.get(column.type)
            if pattern:
                bad = filled[~filled.str.fullmatch(pattern)]
                assert bad.empty, f"{sheet.name}.{column.name}: {bad.head(3).tolist()}"
        text = " ".join(frame.astype(str).to_numpy().ravel())
        assert not EMAIL.search(text) and not PHONE.search(text) and not POSTAL.search(text)


def test_record_ids_are_unique_and_event_dates_fall_in_the_file_quarter(sample_region):
    folder, _ = sample_region
    sheets = read_region(str(folder))
    for sheet in extract_contract().sheets:
        frame = sheets[sheet.name]
        key = frame[list(sheet.unique)].astype(str).agg("|".join, axis=1)
        assert not (key + "|" + frame["agency"] + frame["quarter"]).duplicated().any()
        if sheet.event_date:
            dates = frame[list(sheet.event_date)].replace("", pd.NA).bfill(axis=1).iloc[:, 0]
            period = pd.PeriodIndex(pd.to_datetime(dates), freq="Q").astype(str).str.replace("Q", "Q")
            assert (period == frame["quarter"]).all(), sheet.name


def test_one_birth_year_per_client_and_course_references_resolve(sample_region):
    folder, _ = sample_region
    for path in sorted(folder.glob("AG*.xlsx"))[:24]:
        sheets = read_workbook(path)
        years = pd.concat(
            [f[["client_key", "client_birth_year"]] for n, f in sheets.items() if "client_birth_year" in f]
        )
        assert (years.groupby("client_key")["client_birth_year"].nunique() == 1).all()
        courses = set(sheets["LT Course Setup"]["course_cd"])
        for name in ("LT Client Enrol", "LT Client Exit"):
            assert set(sheets[name]["course_cd"]) <= courses
        profiled = set(sheets["Client Profile"]["client_key"])
        for name, frame in sheets.items():
            if "client_key" in frame:
                assert set(frame["client_key"]) <= profiled, f"{path.name}: {name} has clients without a profile"


def test_clients_visit_several_agencies_and_arrive_before_they_are_served(sample_region):
    folder, _ = sample_region
    sheets = read_region(str(folder))
    events = pd.concat(
        [
            sheets["Info&Orien"][["client_key", "agency"]],
            sheets["Employment"][["client_key", "agency"]],
            sheets["Community Connections"][["client_key", "agency"]],
            sheets["LT Client Enrol"][["client_key", "agency"]],
        ]
    )
    agencies_per_client = events.groupby("client_key")["agency"].nunique()
    assert (agencies_per_client >= 2).sum() > 1000
    assert (agencies_per_client >= 3).sum() > 10
    profile = sheets["Client Profile"].drop_duplicates("client_key").set_index("client_key")
    first_io = sheets["Info&Orien"].groupby("client_key")["start_dttm"].min()
    arrival = profile.loc[first_io.index, "arrival_dt"]
    served_later_quarter = pd.PeriodIndex(pd.to_datetime(arrival), freq="Q") < pd.PeriodIndex(
        pd.to_datetime(first_io), freq="Q"
    )
    assert served_later_quarter.mean() > 0.3
    assert (pd.to_datetime(arrival) <= pd.to_datetime(first_io)).all()


def test_agency_reference_file_follows_its_contract(sample_region):
    folder, _ = sample_region
    sheets = read_workbook(folder / "agencies.xlsx")
    contract = agencies_contract()
    assert list(sheets) == contract.sheet_names
    for sheet in contract.sheets:
        assert list(sheets[sheet.name].columns) == sheet.column_names
    agencies = sheets["Agencies"]
    assert len(agencies) == 12 and agencies["agency_cd"].is_unique
    assert set(sheets["Sites"]["community_size_id"]) == {"Urban", "Small centre", "Rural"}
    assert set(sheets["Programs"]["agency_cd"]) == set(agencies["agency_cd"])
    funding = sheets["Funding"]
    assert len(funding) == len(sheets["Programs"]) * 8
    assert (funding["amount_cad"].astype(float) > 0).all()


def test_dates_long_before_the_first_quarter_are_written_as_they_are():
    """A client who arrived more than ten years before the first quarter (the long tail of the
    delay to first service, seen at national scale) came out ten years in the future: the day was
    looked up in a window of dates and a negative index read it from the end."""
    from datetime import date

    import numpy as np
    import pandas as pd

    from accueil.generate.extracts import _Cells
    from accueil.generate.vectors import day_number

    cells = _Cells(day_number(date(2024, 1, 1)) - 3660, day_number(date(2024, 12, 31)) + 3660)
    days = pd.Series([day_number(date(1990, 5, 17)), day_number(date(2024, 2, 29)), np.nan])
    assert cells.column(days, "date") == ["1990-05-17", "2024-02-29", ""]
