"""The door: real files through the real submission, load and publish code."""

from __future__ import annotations

import html
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from accueil import config, control
from accueil.contract import extract_contract
from accueil.generate import GenerateOptions, generate
from accueil.ingest.submit import submit_agencies, submit_extract
from accueil.quarters import Quarter
from orchestration.build import run_build
from tests import workbooks as wb

QUARTER = Quarter.parse("2024Q1")


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ingest-region")
    generate(GenerateOptions(out=out, agencies=3, quarters=2, clients=900, seed=11))
    return out


@pytest.fixture(scope="module")
def home(tmp_path_factory, region) -> Path:
    """A home with the reference data and one loaded extract (AG001 2024Q1).  The door's tests
    are about the raw tables: loading is enough, and the dbt build is left to the tests of it."""
    path = tmp_path_factory.mktemp("ingest-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ACCUEIL_HOME", str(path))
        assert submit_agencies(region / "agencies.xlsx", user="test").accepted
        assert submit_extract(region / "AG001_2024Q1.xlsx", "AG001", QUARTER, user="test").accepted
        run_build(transform=False)
    return path


@pytest.fixture
def at_home(home, monkeypatch) -> Path:
    monkeypatch.setenv("ACCUEIL_HOME", str(home))
    return home


def raw_state(path: Path) -> dict[str, list]:
    """Every row of every raw table of the warehouse file, to compare before and after."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'raw' order by 1"
            ).fetchall()
        ]
        return {t: sorted(map(repr, con.execute(f"select * from raw.{t}").fetchall())) for t in tables}


# ---- bad input ---------------------------------------------------------------------------------


def _missing_sheet(rows):
    del rows["Outcome Follow-up"]


def _renamed_column(rows):
    index = wb.column(rows, "Info&Orien", "start_dttm")
    rows["Info&Orien"][1][index] = "start_date"
    rows["Info&Orien"][2][index] = "Start"


CASES = {
    # case: (change, sheet, spreadsheet row or None, column, rule)
    "missing sheet": (_missing_sheet, "Outcome Follow-up", None, None, "sheet_missing"),
    "renamed column": (_renamed_column, "Info&Orien", None, "start_dttm", "column_missing"),
    "wrong type": (
        lambda r: wb.set_cell(r, "Info&Orien", "orientation_length_hours_no", 2, "two"),
        "Info&Orien",
        6,
        "orientation_length_hours_no",
        "type_number",
    ),
    "value outside the code list": (
        lambda r: wb.set_cell(r, "Info&Orien", "orientation_service_id", 1, "Webinar"),
        "Info&Orien",
        5,
        "orientation_service_id",
        "code_not_in_list",
    ),
    "CLB 13": (
        lambda r: wb.set_cell(r, "Language Assessment", "speaking_CLB_level_id", 0, "13"),
        "Language Assessment",
        4,
        "speaking_CLB_level_id",
        "code_not_in_list",
    ),
    "literacy level for speaking": (
        lambda r: wb.set_cell(r, "Language Assessment", "listening_CLB_level_id", 1, "Lit - 2L"),
        "Language Assessment",
        5,
        "listening_CLB_level_id",
        "clb_literacy_skill",
    ),
    "date outside the quarter": (
        lambda r: wb.set_cell(r, "Info&Orien", "start_dttm", 3, "2024-05-02"),
        "Info&Orien",
        7,
        "start_dttm",
        "date_outside_quarter",
    ),
    "impossible date": (
        lambda r: wb.set_cell(r, "Info&Orien", "start_dttm", 4, "2024-02-30"),
        "Info&Orien",
        8,
        "start_dttm",
        "type_date",
    ),
    "duplicate record id": (
        lambda r: wb.set_cell(
            r, "Info&Orien", "record_id", 1, r["Info&Orien"][3][wb.column(r, "Info&Orien", "record_id")]
        ),
        "Info&Orien",
        5,
        "record_id",
        "duplicate_key",
    ),
    "course exit without course": (
        lambda r: wb.set_cell(r, "LT Client Exit", "course_cd", 0, "L-NOPE-99"),
        "LT Client Exit",
        4,
        "course_cd",
        "course_not_set_up",
    ),
    "conflicting birth years": (
        lambda r: wb.set_cell(r, "Info&Orien", "client_birth_year", 0, 1901),
        None,
        None,
        "client_birth_year",
        "birth_year_conflict",
    ),
    "email column": (
        lambda r: (
            r["Client Profile"][1].append("email_txt"),
            r["Client Profile"][2].append("Email"),
            r["Client Profile"][3].append("someone@example.org"),
        ),
        "Client Profile",
        None,
        "email_txt",
        "identifier_column",
    ),
    "phone value": (
        lambda r: wb.set_cell(r, "Info&Orien", "record_id", 2, "905-555-0142"),
        "Info&Orien",
        6,
        "record_id",
        "identifier_value",
    ),
    "full postal code": (
        lambda r: wb.set_cell(r, "Client Profile", "postal_fsa", 0, "L2R 7K6"),
        "Client Profile",
        4,
        "postal_fsa",
        "identifier_value",
    ),
    "raw UCI instead of a key": (
        lambda r: wb.set_cell(r, "Employment", "client_key", 0, "1234-5678"),
        "Employment",
        4,
        "client_key",
        "identifier_value",
    ),
}
IDENTIFYING = {
    "email column": "someone@example.org",
    "phone value": "905-555-0142",
    "full postal code": "L2R 7K6",
    "raw UCI instead of a key": "1234-5678",
}


@pytest.fixture(scope="module")
def bad_files(home, region, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bad")
    files = {
        name: wb.mutate(region / "AG001_2024Q1.xlsx", folder / f"{name}.xlsx", change)
        for name, (change, *_rest) in CASES.items()
    }
    good = (region / "AG001_2024Q1.xlsx").read_bytes()
    files["empty file"] = folder / "empty.xlsx"
    files["empty file"].write_bytes(b"")
    files["truncated file"] = folder / "truncated.xlsx"
    files["truncated file"].write_bytes(good[: len(good) // 2])
    files["not a workbook"] = folder / "notes.xlsx"
    files["not a workbook"].write_text("client,phone\nA,555\n")
    return files


@pytest.fixture(scope="module")
def bad_submissions(home, bad_files):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ACCUEIL_HOME", str(home))
        before = raw_state(config.warehouse_path())
        submissions = {name: submit_extract(path, "AG001", QUARTER, user="test") for name, path in bad_files.items()}
        run_build(transform=False)
        after = raw_state(config.warehouse_path())
    return submissions, before, after


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_rejected_with_a_report_naming_where_and_why(bad_submissions, case):
    submissions, _, _ = bad_submissions
    submission = submissions[case]
    _, sheet, row, column, rule = CASES[case]
    assert not submission.accepted and submission.upload.status == "rejected"
    matching = [p for p in submission.outcome.report.errors if p.rule == rule]
    assert matching, f"{case}: no {rule} among {[p.rule for p in submission.outcome.report.errors][:10]}"
    assert any(
        p.column == column and (sheet is None or p.sheet == sheet) and (row is None or p.row == row) for p in matching
    ), f"{case}: {[(p.sheet, p.row, p.column) for p in matching][:5]}"
    html = submission.report_html.read_text(encoding="utf-8")
    csv_text = submission.report_csv.read_text(encoding="utf-8-sig")
    assert rule in csv_text and "Rejected" in html
    if case in IDENTIFYING:  # never repeated anywhere but the quarantined raw file
        secret = IDENTIFYING[case]
        assert secret not in html and secret not in csv_text
        assert not (config.accepted_dir() / str(submission.upload.upload_id)).exists()


@pytest.mark.parametrize("case", list(IDENTIFYING))
def test_privacy_problems_read_in_french_without_english_reasons(bad_submissions, case):
    submission = bad_submissions[0][case]
    texts = [p.text("fr")[0] for p in submission.outcome.report.errors if p.rule.startswith("identifier_")]
    assert texts
    english = ("an email", "a phone", "a full postal", "instead of a client key", "contact detail", "header names")
    for text in texts:
        assert not any(word in text for word in english), text
        assert "ressemble à un" in text or "contient des identifiants directs (coordonnées" in text, text


@pytest.mark.parametrize(
    "case,rule",
    [("empty file", "file_empty"), ("truncated file", "file_unreadable"), ("not a workbook", "file_unreadable")],
)
def test_unreadable_files_are_rejected_not_crashed(bad_submissions, case, rule):
    submissions, _, _ = bad_submissions
    assert [p.rule for p in submissions[case].outcome.report.errors] == [rule]


def test_files_validated_together_get_the_same_decisions_as_alone(bad_files, region):
    """A folder is validated in batches (one GX run each): every file keeps its own problems."""
    from accueil.ingest.validate import ExtractFile, validate_extract, validate_extracts

    paths = [region / "AG001_2024Q1.xlsx", *bad_files.values(), region / "AG002_2024Q1.xlsx"]
    items = [ExtractFile(p.read_bytes(), p.name, "AG001", QUARTER) for p in paths]
    # The cross-sheet checks run once for the batch too: a file declared for another
    # quarter, with a list of known agencies, must get its own dates and agencies checked.
    late = ExtractFile(paths[-1].read_bytes(), "late.xlsx", "AG002", Quarter.parse("2024Q3"), "", 5, {"AG002"})
    items.insert(1, late)

    def found(outcome):
        report = outcome.report
        return report.accepted, report.rows_read, [(p.rule, p.sheet, p.row, p.column, p.value) for p in report.problems]

    def alone(i):
        return validate_extract(
            i.data,
            file_name=i.file_name,
            agency=i.agency,
            quarter=i.quarter,
            backdate_days=i.backdate_days,
            known_agencies=i.known_agencies,
        )

    together = [found(o) for o in validate_extracts(items)]
    assert together == [found(alone(i)) for i in items]
    assert together[0][0] and together[-1][0], "the good files stay accepted beside the bad ones"
    assert sum(not accepted for accepted, _, _ in together) == len(bad_files) + 1
    late_rules = {rule for rule, *_ in together[1][2]}
    assert {"date_outside_quarter", "agency_unknown"} <= late_rules, late_rules
    # The same record id in two files of a batch is not a duplicate: keys are unique per file.
    assert not any(rule == "duplicate_key" for _, _, problems in together[:1] for rule, *_ in problems)


BROKEN_CELLS = {
    # what breaks: (column, row, text); None keeps the file as generated
    "nothing": None,
    "a required value left blank": ("start_dttm", 0, ""),
    "a code outside its list": ("orientation_service_id", 1, "Webinar"),
    "a date that is not one": ("start_dttm", 2, "next Tuesday"),
    "a number above its maximum": ("orientation_length_hours_no", 3, "501"),
    "a record id too long": ("record_id", 4, "R" * 65),
    "a record id twice": ("record_id", 5, None),  # the row before's
}


@pytest.mark.parametrize("case", list(BROKEN_CELLS))
def test_gx_fails_the_same_expectations_on_distinct_texts_as_cell_by_cell(region, case):
    """GX is first asked about each column's distinct texts and every row's key
    (`distinct_cells`), and a batch is taken cell by cell only when that fails: so each
    expectation must fail on the distinct texts exactly when it fails on the cells."""
    from accueil.ingest.expectations import _validation
    from accueil.ingest.long_form import cells, distinct_cells
    from accueil.ingest.reader import read_upload
    from accueil.ingest.validate import normalise

    contract = extract_contract()
    sheet = contract.sheet("Info&Orien")
    frames = {
        number: normalise(contract, read_upload((region / name).read_bytes(), contract).sheets)[sheet.name]
        for number, name in enumerate(["AG001_2024Q1.xlsx", "AG002_2024Q1.xlsx"])
    }
    if BROKEN_CELLS[case]:
        column, row, text = BROKEN_CELLS[case]
        broken = frames[1].copy()
        broken.iloc[row, broken.columns.get_loc(column)] = broken.iloc[row - 1][column] if text is None else text
        frames[1] = broken
    validation = _validation(contract)

    def failing(frame) -> list[str]:
        result = validation.run(batch_parameters={"dataframe": frame}, result_format={"result_format": "BOOLEAN_ONLY"})
        return [r.expectation_config.type for r in result.results if not r.success]

    distinct, every_cell = distinct_cells(sheet, frames), cells(sheet, frames)
    assert len(distinct) < len(every_cell) / 2
    assert failing(distinct) == failing(every_cell)
    assert bool(failing(every_cell)) == (case != "nothing")


def test_only_the_files_gx_fails_are_taken_cell_by_cell(region):
    """A failing batch is halved while only one half fails (`_failing`): a lone failing file, or
    failing files in one half, are found and alone validated cell by cell, which bounds the
    memory a batch can take; failures in both halves take the group whole."""
    from accueil.ingest.expectations import _failing, _validation
    from accueil.ingest.reader import read_upload
    from accueil.ingest.validate import normalise

    contract = extract_contract()
    names = [f"AG00{agency}_2024Q{quarter}.xlsx" for agency in (1, 2, 3) for quarter in (1, 2)]
    files = [normalise(contract, read_upload((region / name).read_bytes(), contract).sheets) for name in names]
    validation = _validation(contract)

    def failing(broken: list[int]) -> list[int]:
        by_sheet: dict = {}
        for number, sheets in enumerate(files):
            for name, frame in sheets.items():
                if name == "Info&Orien" and number in broken:
                    frame = frame.copy()
                    frame.iloc[number, frame.columns.get_loc("orientation_service_id")] = "Webinar"
                by_sheet.setdefault(name, {})[number] = frame
        return _failing(contract, validation, by_sheet, list(range(len(files))))

    assert failing([]) == []
    assert failing([4]) == [4]
    assert failing([1, 2]) == [1, 2]
    assert failing([1, 4]) == [0, 1, 2, 3, 4, 5]


def test_rejected_files_leave_the_warehouse_unchanged(bad_submissions, at_home):
    _, before, after = bad_submissions
    assert before == after
    assert before["info_orientation"], "the good extract is loaded"
    with control.connect() as con:
        statuses = {u.status for u in control.uploads(con, kind="extract")}
    assert "rejected" in statuses


def test_raw_bytes_are_kept_for_every_upload_even_rejected(bad_submissions, at_home):
    submissions, _, _ = bad_submissions
    for name, submission in submissions.items():
        stored = config.raw_dir() / submission.upload.sha256[:2] / submission.upload.sha256
        assert stored.exists(), name
        assert stored.stat().st_mode & 0o222 == 0  # read-only


def test_french_report_for_a_french_agency(at_home, region, tmp_path):
    bad = wb.mutate(
        region / "AG001_2024Q1.xlsx",
        tmp_path / "bad.xlsx",
        lambda r: wb.set_cell(r, "Info&Orien", "orientation_service_id", 0, "Webinaire"),
    )
    submission = submit_extract(bad, "AG001", QUARTER, user="test", lang="fr")
    page = submission.report_html.read_text(encoding="utf-8")
    text = html.unescape(page)
    assert 'lang="fr"' in page and "Rejeté" in text and "« Webinaire » n'est pas une des valeurs qu'accepte" in text
    assert "Comment corriger" in text


# ---- accepted variants ------------------------------------------------------------------------------------


def _french_labels() -> dict[str, dict[str, str]]:
    return {s.name: {c.name: c.label_fr for c in s.columns} for s in extract_contract().sheets}


VARIANTS = {
    "machine names, comma, UTF-8": {},
    "French headers, semicolons, UTF-8 with a BOM": {"header": "labels", "delimiter": ";", "bom": True},
    "French headers, semicolons, Windows-1252": {"header": "labels", "delimiter": ";", "encoding": "cp1252"},
    "Windows-1252 behind a stray BOM": {"header": "labels", "encoding": "cp1252", "bom": True},
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_csv_zip_variants_are_accepted(at_home, region, tmp_path, variant):
    options = VARIANTS[variant]
    path = wb.csv_zip(region / "AG002_2024Q2.xlsx", tmp_path / "AG002.zip", labels=_french_labels(), **options)
    if options.get("encoding") == "cp1252":
        assert "é".encode("cp1252") in _member(path, "Client Profile.csv")
    submission = submit_extract(path, "AG002", Quarter.parse("2024Q2"), user="test")
    assert submission.accepted, [p.text("en") for p in submission.outcome.report.errors[:3]]
    rows = {name: len(r) - 3 for name, r in wb.read_rows(region / "AG002_2024Q2.xlsx").items()}
    assert submission.outcome.report.rows_read == rows


def _member(path: Path, name: str) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def test_every_generated_extract_of_the_region_is_accepted(at_home, region):
    for path in sorted(region.glob("AG*.xlsx")):
        agency, quarter = path.stem.split("_")
        submission = submit_extract(path, agency, Quarter.parse(quarter), user="test")
        assert submission.accepted, (path.name, [p.text("en") for p in submission.outcome.report.errors[:3]])


# ---- idempotence, corrections, crashes -----------------------------------------------------------------------


def test_reupload_is_a_noop_and_a_correction_replaces_the_old_version(tmp_path, monkeypatch, region):
    monkeypatch.setenv("ACCUEIL_HOME", str(tmp_path / "h"))
    assert submit_agencies(region / "agencies.xlsx", user="t").accepted
    first = submit_extract(region / "AG003_2024Q1.xlsx", "AG003", QUARTER, user="t")
    again = submit_extract(region / "AG003_2024Q1.xlsx", "AG003", QUARTER, user="t")
    assert again.duplicate and again.upload.upload_id == first.upload.upload_id
    run_build(transform=False)
    assert not config.published_path().exists(), "a load-only run builds and publishes nothing"
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as con:
        before = con.execute("select count(*) from raw.info_orientation where agency_cd = 'AG003'").fetchone()[0]
        schemas = {name for (name,) in con.execute("select schema_name from information_schema.schemata").fetchall()}
        assert "marts" not in schemas

    def drop_two_rows(rows):
        del rows["Info&Orien"][3:5]

    corrected = wb.mutate(region / "AG003_2024Q1.xlsx", tmp_path / "AG003_2024Q1_v2.xlsx", drop_two_rows)
    second = submit_extract(corrected, "AG003", QUARTER, user="t")
    assert second.accepted and not second.duplicate
    run_build()
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as con:
        rows = con.execute(
            "select upload_id, count(*) from raw.info_orientation where agency_cd = 'AG003' group by 1"
        ).fetchall()
    assert rows == [(second.upload.upload_id, before - 2)]
    with control.connect() as con:
        old = control.get_upload(con, first.upload.upload_id)
        audit = [r["action"] for r in con.execute("select action from audit_log order by audit_id")]
    assert old.status == "superseded" and old.superseded_by == second.upload.upload_id
    assert (config.raw_dir() / first.upload.sha256[:2] / first.upload.sha256).exists()
    for action in ("upload_received", "upload_accepted", "upload_duplicate", "upload_loaded", "published"):
        assert action in audit


KILL_DURING_LOAD = """
import os, sys, time
import accueil.ingest.warehouse as w
original = w._replace_sheet
def slow(con, sheet, uploads, partitioned):
    original(con, sheet, uploads, partitioned)
    if sheet.table == "info_orientation":
        open(sys.argv[1], "w").close()  # old rows deleted, new ones inserted, transaction not committed
        time.sleep(120)
w._replace_sheet = slow
from orchestration.build import run_build
run_build()
"""


def test_killing_the_process_during_a_load_leaves_the_previous_state(tmp_path, monkeypatch, region):
    monkeypatch.setenv("ACCUEIL_HOME", str(tmp_path / "h"))
    assert submit_agencies(region / "agencies.xlsx", user="t").accepted
    assert submit_extract(region / "AG002_2024Q1.xlsx", "AG002", QUARTER, user="t").accepted
    run_build(transform=False)
    before = raw_state(config.warehouse_path())
    corrected = wb.mutate(region / "AG002_2024Q1.xlsx", tmp_path / "v2.xlsx", lambda rows: rows["Info&Orien"].pop(3))
    assert submit_extract(corrected, "AG002", QUARTER, user="t").accepted
    marker = tmp_path / "inside-transaction"
    proc = subprocess.Popen([sys.executable, "-c", KILL_DURING_LOAD, str(marker)], env=os.environ.copy())
    deadline = time.time() + 120
    while not marker.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
    assert marker.exists(), "the load never reached its transaction"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert raw_state(config.warehouse_path()) == before
    with control.connect() as con:
        assert [u.status for u in control.uploads(con, kind="extract")] == ["loaded", "accepted"]
    run_build(transform=False)  # the next build loads the correction
    after = raw_state(config.warehouse_path())
    assert len(after["info_orientation"]) == len(before["info_orientation"]) - 1


def test_the_screen_leaves_out_only_texts_that_no_identifier_pattern_can_match():
    """The privacy screen does not search a text of 11 or more ASCII letters and digits (a client key);
    no pattern can match one, including those made of identifiers run together."""
    import random

    from accueil.ingest.privacy import _ONE_LONG_WORD, VALUE_PATTERNS, _kinds_found

    rng = random.Random(18)
    pieces = ["6135551234", "9055550142", "K1A0B1", "l2r7k6", "123", "main", "st", "rue", "1", "a", "Z9", "0"]
    tried = 0
    while tried < 5000:
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(2, 8)))
        if not _ONE_LONG_WORD.fullmatch(text):
            continue
        tried += 1
        assert not any(pattern.search(text) for _, pattern, _ in VALUE_PATTERNS), text
    texts = ["6135551234", "K1A0B1", "a6135551234", "K1A0B1K1A0B", "613-555-1234", "x@example.org", "12 Main St"]
    assert _kinds_found(set(texts)) == {
        "6135551234": (1,),
        "K1A0B1": (2,),
        "613-555-1234": (1,),
        "x@example.org": (0,),
        "12 Main St": (3,),
    }
