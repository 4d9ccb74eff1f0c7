"""Issues 21 and 27, the door: what an uploaded file, an upload's name or its path can do on the way in.

Each attack of the issues on a small home: it is refused quickly, within bounded memory, with
its report in English and French (exit 2 from `accueil upload`), and nothing from it is staged
or left `received`.  Issue 27's second pass: a sheet of its own and cells nobody read, another
agency's file, quarters far ahead or before any extract, invisible characters in any field,
implausible years of birth and arrival dates, and paths that are not regular files.
"""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import unicodedata
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from accueil import config, control
from accueil.contract import INVISIBLE, INVISIBLE_CATEGORIES, extract_contract
from accueil.generate import GenerateOptions, generate
from accueil.ingest import abandoned, names
from accueil.ingest.sandbox import read_bounded
from accueil.ingest.submit import NotAFile, submit_agencies, submit_extract
from accueil.quarters import Quarter
from tests import hostile_files as hf
from tests import workbooks as wb

Q1 = Quarter.parse("2024Q1")
GIGABYTE = 1e9


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hostile-region")
    generate(GenerateOptions(out=out, agencies=2, quarters=1, clients=200, seed=21))
    return out


@pytest.fixture
def home(tmp_path, region, monkeypatch) -> Path:
    path = tmp_path / "home"
    monkeypatch.setenv("ACCUEIL_HOME", str(path))
    assert submit_agencies(region / "agencies.xlsx", user="test").accepted
    return path


def _register() -> list[control.Upload]:
    with control.connect() as con:
        return control.uploads(con)


def _refused_in_both_languages(path: Path, home: Path, *phrases: tuple[str, str]) -> list:
    """Upload through `accueil upload` twice (English, then French); each refusal's measures."""
    runs = []
    for agency, lang in (("AG001", "en"), ("AG002", "fr")):
        run = hf.run_watched(["upload", str(path), "--agency", agency, "--quarter", "2024Q1", "--lang", lang], home)
        assert run.code == 2, run.stdout + run.stderr
        upload = _register()[-1]
        assert (upload.agency_cd, upload.status, upload.errors) == (agency, "rejected", 1)
        assert not (config.accepted_dir() / str(upload.upload_id)).exists(), "nothing is staged"
        page = html.unescape(Path(upload.report_html).read_text(encoding="utf-8"))
        for phrase in phrases:
            assert phrase[0 if lang == "en" else 1] in page, page[-1500:]
        summary = json.loads(Path(upload.report_html).with_suffix(".json").read_text())
        runs.append((run, summary["read"]["peak_rss_mb"] * 2**20))
    for run, worker_peak in runs:
        assert run.seconds < 60, run.seconds
        assert run.peak_bytes < 2 * GIGABYTE, run.peak_bytes
        assert 0 < worker_peak < 2 * GIGABYTE, worker_peak
        assert 0 < run.max_rss_bytes < 2 * GIGABYTE, run.max_rss_bytes
    return runs


# ---- bounded work per upload ---------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["true", "lying"])
def test_a_workbook_that_inflates_to_200_mb_is_refused_quickly_in_bounded_memory(home, region, tmp_path, header):
    bomb = hf.with_sheet(region / "AG001_2024Q1.xlsx", tmp_path / "bomb.xlsx", hf.INFO_ORIEN, hf.repeated_cells(200))
    assert bomb.stat().st_size < 5_000_000
    if header == "lying":  # the header says 1 MB: only inflating it tells
        hf.lie_about_size(bomb, hf.INFO_ORIEN, 1_000_000)
    size = ("199.9 MB", "199,9 Mo") if header == "true" else ("more than 50.0 MB", "plus de 50,0 Mo")
    _refused_in_both_languages(
        bomb,
        home,
        (
            "the uncompressed size of 'xl/worksheets/sheet3.xml' is",
            "la taille décompressée de « xl/worksheets/sheet3.xml »",
        ),
        size,
        ("at most 50.0 MB is accepted", "le maximum accepté est de 50,0 Mo"),
    )


@pytest.mark.parametrize("form", ["xlsx", "zip of CSVs"])
def test_a_300_000_row_sheet_is_refused_before_it_is_read(home, region, tmp_path, form):
    if form == "xlsx":
        path = hf.with_sheet(
            region / "AG001_2024Q1.xlsx", tmp_path / "rows.xlsx", hf.INFO_ORIEN, hf.numbered_rows(300_000)
        )
    else:  # 300,000 rows and a header
        path = hf.csv_zip_rows(tmp_path / "rows.zip", "Info&Orien", 299_999)
    runs = _refused_in_both_languages(
        path,
        home,
        ("the number of rows of", "le nombre de lignes de"),
        (
            "is 300,000, and at most 200,000 is accepted",
            "est de 300\u202f000, et le maximum accepté est de 200\u202f000",
        ),
    )
    assert all(run.seconds < 20 for run, _ in runs)


def test_other_archive_tricks_are_refused_with_a_reason(home, region, tmp_path):
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as out:
        for number in range(300):
            out.writestr(f"part{number}.csv", "a\n")
    far = hf.with_sheet(region / "AG001_2024Q1.xlsx", tmp_path / "far.xlsx", hf.INFO_ORIEN, hf.far_cell)
    doctype = hf.with_sheet(
        region / "AG001_2024Q1.xlsx",
        tmp_path / "dtd.xlsx",
        hf.INFO_ORIEN,
        lambda h: h.write(b'<!DOCTYPE x [<!ENTITY a "aaaa">]><row r="4"><c r="A4"><v>1</v></c></row>'),
    )
    expected = {
        many: "the number of files inside the archive is 300",
        far: "The file could not be read within the warehouse's limits",  # the worker's own limits stop it
        doctype: "declares a DTD or entities",
    }
    for path, phrase in expected.items():
        started = time.monotonic()
        submission = submit_extract(path, "AG001", Q1, user="test")
        assert time.monotonic() - started < 60
        assert submission.upload.status == "rejected"
        assert any(phrase in p.text("en")[0] for p in submission.outcome.report.errors), [
            p.text("en")[0] for p in submission.outcome.report.errors
        ]


def test_a_worker_that_runs_out_of_time_or_memory_gives_a_refusal_with_its_reason(region, tmp_path):
    bomb = hf.with_sheet(region / "AG001_2024Q1.xlsx", tmp_path / "bomb.xlsx", hf.INFO_ORIEN, hf.repeated_cells(200))
    unlimited = dataclasses.replace(
        extract_contract().limits,
        **{name: 10**12 for name in ("file_bytes", "member_bytes", "total_bytes", "ratio")},
        **{name: 10**12 for name in ("rows_per_sheet", "cells_per_sheet", "cells_per_file")},
    )
    data = bomb.read_bytes()
    started = time.monotonic()
    slow = read_bounded(data, dataclasses.replace(unlimited, read_seconds=2, read_memory_bytes=4 * 10**9))
    assert time.monotonic() - started < 10
    assert [p.text("en")[0] for p in slow.problems] == [
        "The file could not be read within the warehouse's limits: reading it took more than 2 seconds."
    ]
    hungry = read_bounded(data, dataclasses.replace(unlimited, read_memory_bytes=300 * 10**6))
    (stopped,) = hungry.problems
    assert stopped.rule == "read_stopped" and hungry.tables is None
    assert "memory" in stopped.text("en")[0] and "mémoire" in stopped.text("fr")[0], stopped.text("en")
    assert hungry.peak_rss_bytes < 300 * 10**6


# ---- names checked before they are used ----------------------------------------------------------------------


def test_an_agency_code_with_a_path_is_refused_with_exit_2_and_nothing_received(home, region):
    before = _register()
    run = hf.run_watched(
        ["upload", str(region / "AG001_2024Q1.xlsx"), "--agency", "../../etc", "--quarter", "2024Q1"], home
    )
    assert run.code == 2
    assert run.stderr.strip() == (
        "Error: '../../etc' is not an agency code: an agency code is 2 to 12 letters, digits or hyphens, "
        "beginning with a letter or a digit (for example AG001)."
    )
    with pytest.raises(names.InvalidName):
        submit_extract(region / "AG001_2024Q1.xlsx", "../../etc", Q1, user="test")
    assert _register() == before
    assert not list(home.rglob("*ETC*")) and not list((home / "reports").glob("*_extract_*"))


def test_names_are_checked_and_file_names_are_shown_plain():
    for bad in ("../../etc", "AG 01", "-AG01", "AG001;drop", "A", "AG\u202e01"):
        with pytest.raises(names.InvalidName):
            names.agency_code(bad)
    assert names.agency_code(" ag-01 ") == "AG-01"
    for bad in ("0", "-3", "1; drop table uploads", "٣"):
        with pytest.raises(names.InvalidName):
            names.upload_id(bad)
    assert names.file_name("../../x/\u202eslx.exe\tAG001.xlsx") == "\ufffdslx.exe\ufffdAG001.xlsx"


# ---- an upload that dies is never left `received` -------------------------------------------------------------

KILLED_WHILE_CHECKING = """
import sys, time
from pathlib import Path
import accueil.ingest.submit as submit
from accueil.quarters import Quarter

def stuck(files):
    Path(sys.argv[2]).touch()
    time.sleep(300)

submit.validate_extracts = stuck
submit.submit_extract(Path(sys.argv[1]), "AG001", Quarter.parse("2024Q1"), user="test")
"""


def test_an_upload_left_received_by_a_killed_process_is_marked_at_the_next_submission(home, region, tmp_path):
    extract = region / "AG001_2024Q1.xlsx"
    marker = tmp_path / "checking"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WHILE_CHECKING, str(extract), str(marker)])
    deadline = time.monotonic() + 120
    while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert marker.exists(), "the upload never reached its check"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    (killed,) = [u for u in _register() if u.status == "received"]
    assert abandoned.sweep() == [], "not before a few minutes"
    with sqlite3.connect(control.path()) as con:  # the register as it would be a few minutes later
        con.execute(
            "update uploads set received_at = '2000-01-01T00:00:00+00:00' where upload_id = ?", (killed.upload_id,)
        )

    other = submit_extract(region / "AG002_2024Q1.xlsx", "AG002", Q1, user="test")
    assert other.accepted
    with control.connect() as con:
        marked = control.get_upload(con, killed.upload_id)
        actions = [
            r[0] for r in con.execute("select action from audit_log where target = ?", (f"upload:{killed.upload_id}",))
        ]
    assert (marked.status, marked.errors) == ("rejected", 1)
    assert actions == ["upload_received", "upload_interrupted"]
    page = html.unescape(Path(marked.report_html).read_text(encoding="utf-8"))
    assert "The check of this file did not finish (its process stopped before it finished (killed or crashed))" in page

    again = submit_extract(extract, "AG001", Q1, user="test", lang="fr")
    assert not again.duplicate and again.accepted, "the same bytes are checked again"


def test_an_upload_whose_check_fails_in_this_process_is_marked_with_the_reason(home, region, monkeypatch):
    def boom(files):
        raise RuntimeError("the check broke")

    monkeypatch.setattr("accueil.ingest.submit.validate_extracts", boom)
    with pytest.raises(RuntimeError):
        submit_extract(region / "AG001_2024Q1.xlsx", "AG001", Q1, user="test")
    (upload,) = [u for u in _register() if u.kind == "extract"]
    assert (upload.status, upload.errors) == ("rejected", 1)
    assert "RuntimeError: the check broke" in Path(upload.report_csv).read_text(encoding="utf-8-sig")


def test_a_received_upload_of_a_living_process_is_left_alone(home):
    with control.connect() as con:
        con.execute(
            "insert into uploads (kind, agency_cd, quarter, file_name, sha256, size_bytes, received_at, received_by,"
            " status) values ('extract', 'AG001', '2024Q1', 'x.xlsx', 'ab', 1, '2000-01-01T00:00:00+00:00', 't',"
            " 'received')"
        )
        (upload_id,) = con.execute("select max(upload_id) from uploads").fetchone()
        control.audit(con, "t", "upload_received", f"upload:{upload_id}", pid=os.getpid())
    assert abandoned.sweep() == []


# ---- text at the door -------------------------------------------------------------------------------------------

DANGEROUS_IDS = {
    0: "+cmd|' /C calc'!A0",
    1: "<script>alert(1)</script>",
    2: '=HYPERLINK("http://example.org","x")',
    3: "AG001-IO\u202e0000004",
}


def test_formula_and_invisible_identifiers_are_row_errors(home, region, tmp_path):
    rows = wb.read_rows(region / "AG001_2024Q1.xlsx")
    for index, value in DANGEROUS_IDS.items():
        wb.set_cell(rows, "Info&Orien", "record_id", index, value)
    course = wb.set_cell(rows, "LT Client Enrol", "course_cd", 0, "@SUM(1+1)*cmd|calc")
    submission = submit_extract(wb.write_rows(tmp_path / "ids.xlsx", rows, as_text=True), "AG001", Q1, user="test")
    assert not submission.accepted
    errors = submission.outcome.report.errors
    found = {(p.sheet, p.row, p.column) for p in errors if p.rule == "type_identifier"}
    expected = {("Info&Orien", 4 + index, "record_id") for index in DANGEROUS_IDS}
    assert expected | {("LT Client Enrol", course, "course_cd")} <= found, found
    shown = [p.value for p in errors if p.row == 7 and p.sheet == "Info&Orien"]
    assert shown == ["AG001-IO<U+202E>0000004"], "an invisible character is shown, never repeated"
    assert not (config.accepted_dir() / str(submission.upload.upload_id)).exists()
    (first,) = [p for p in errors if p.row == 4 and p.sheet == "Info&Orien" and p.rule == "type_identifier"]
    # The column as the workbook labels it (accueil/contract/extract_v1.yaml), not its machine name.
    assert first.text("en")[0].startswith("'+cmd|' /C calc'!A0' is not a valid Record ID: an identifier is")
    assert first.text("fr")[0].startswith("« +cmd|' /C calc'!A0 » n'est pas un Identifiant de l'enregistrement valide")


@pytest.mark.parametrize(
    "name,rule",
    [
        ('=HYPERLINK("http://example.org","x")', "text_formula"),
        ("@SUM(1+1)*cmd|calc", "text_formula"),
        ("+1 Settlement", "text_formula"),
        ("-2+3", "text_formula"),
        ("North\tShore Services", "text_control_character"),
        ("Acme\u200bCentre", "text_control_character"),
        ("Centre \u202eselbat", "text_control_character"),
        ("Line\nbreak", "text_control_character"),
    ],
)
def test_agency_names_that_a_spreadsheet_would_run_or_hide_are_refused(home, region, tmp_path, name, rule):
    rows = wb.read_rows(region / "agencies.xlsx")
    wb.set_cell(rows, "Agencies", "agency_name", 0, name)
    submission = submit_agencies(wb.write_rows(tmp_path / "agencies.xlsx", rows, as_text=True), user="test")
    assert submission.upload.status == "rejected"
    (found,) = [p for p in submission.outcome.report.errors if p.column == "agency_name"]
    assert (found.rule, found.sheet, found.row) == (rule, "Agencies", 4)
    english, french = found.text("en")[0], found.text("fr")[0]
    if rule == "text_formula":
        assert f"begins with '{name[0]}', which a spreadsheet program runs as a formula" in english
        assert "qu'un tableur exécute comme une formule" in french
    else:
        assert "control or invisible character (U+" in english and "caractère de commande ou invisible" in french
    assert not (config.accepted_dir() / str(submission.upload.upload_id)).exists()


def test_a_reading_helper_that_died_is_started_again(region):
    from accueil.ingest import sandbox

    limits = extract_contract().limits
    data = (region / "AG001_2024Q1.xlsx").read_bytes()
    assert read_bounded(data, limits).tables
    sandbox._helper.process.kill()
    sandbox._helper.process.wait()
    read = read_bounded(data, limits)
    assert read.tables and not read.problems


# ---- issue 27: a second pass on hostile use ---------------------------------------------------------------------


def _rejected_by_command(path: Path, home: Path, agency: str, quarter: str, lang: str, *phrases: str):
    """`accueil upload` in its own process: exit 2, one new upload rejected with its report, nothing staged,
    nothing left `received`; (the upload, its HTML report as text, the rows of its CSV report)."""
    before = len(_register())
    run = hf.run_watched(["upload", str(path), "--agency", agency, "--quarter", quarter, "--lang", lang], home)
    assert run.code == 2, run.stdout + run.stderr
    after = _register()
    assert len(after) == before + 1
    upload = after[-1]
    assert (upload.agency_cd, upload.quarter, upload.status) == (agency, quarter, "rejected")
    assert not (config.accepted_dir() / str(upload.upload_id)).exists(), "nothing is staged"
    assert not [u for u in after if u.status == "received"]
    page = html.unescape(Path(upload.report_html).read_text(encoding="utf-8"))
    for phrase in phrases:
        assert phrase in page, page[-2000:]
    rows = list(csv.reader(io.StringIO(Path(upload.report_csv).read_text(encoding="utf-8-sig"))))
    return upload, page, rows


def _where(rows: list[list[str]], rule: str) -> set[tuple[str, str, str]]:
    """(sheet, row, column) of a CSV report's problems of this rule."""
    return {(sheet, row, column) for _, sheet, row, column, _, found, *_ in rows[1:] if found == rule}


def _traces() -> str:
    """What the home says about its uploads, raw bytes aside: the register, the audit log and every report."""
    with sqlite3.connect(control.path()) as con:
        text = repr(con.execute("select * from uploads").fetchall())
        text += repr(con.execute("select * from audit_log").fetchall())
    for path in sorted(config.reports_dir().iterdir()):
        text += path.read_text(encoding="utf-8", errors="replace")
    return text


# 1. a sheet of its own, and cells nobody reads


def test_an_extra_sheet_with_an_email_and_a_phone_refuses_the_file_and_never_repeats_them(home, region, tmp_path):
    path = hf.with_extra_sheet(region / "AG001_2024Q1.xlsx", tmp_path / "extra.xlsx")
    upload, _, rows = _rejected_by_command(
        path,
        home,
        "AG001",
        "2024Q1",
        "en",
        "The sheet 'Notes' is not one of the file's sheets: a file with any other sheet is refused",
        "This cell looks like an email address",
        "This cell looks like a phone number",
    )
    assert _where(rows, "sheet_extra") == {("Notes", "", "")}
    assert _where(rows, "identifier_value") == {("Notes", "3", "B"), ("Notes", "4", "B")}
    assert upload.errors == 3
    _rejected_by_command(
        path,
        home,
        "AG002",
        "2024Q1",
        "fr",
        "La feuille « Notes » ne fait pas partie",
        "ressemble à une adresse courriel",
    )
    traces = _traces()
    assert hf.EMAIL not in traces and hf.PHONE not in traces


def test_every_cell_is_screened_title_rows_unnamed_columns_and_every_member_of_a_zip(home, region, tmp_path):
    from xlsxwriter.utility import xl_col_to_name

    good = region / "AG001_2024Q1.xlsx"
    rows = wb.read_rows(good)
    sheet = rows["Info&Orien"]
    sheet[0] = [f"Prepared by {hf.EMAIL}"]  # the title row
    width = len(sheet[1])
    sheet[4] = sheet[4] + [""] * (width - len(sheet[4])) + ["", hf.PHONE]  # a column with no header
    found = submit_extract(wb.write_rows(tmp_path / "cells.xlsx", rows, as_text=True), "AG001", Q1, user="test")
    where = {(p.sheet, p.row, p.column) for p in found.outcome.report.errors if p.rule == "identifier_value"}
    assert where == {("Info&Orien", 1, "record_id"), ("Info&Orien", 5, xl_col_to_name(width + 1))}, where

    members = {
        "notes.txt": (f"call {hf.PHONE}".encode(), [("sheet_extra", "notes.txt", None, None)]),
        "Notes.csv": (
            f"who,how\r\nclient,{hf.EMAIL}\r\n".encode(),
            [("sheet_extra", "Notes", None, None), ("identifier_value", "Notes", 2, "B")],
        ),
    }
    for name, (data, expected) in members.items():
        path = hf.csv_zip_with(good, tmp_path / f"{name}.zip", {name: data})
        submission = submit_extract(path, "AG001", Q1, user="test")
        assert submission.upload.status == "rejected"
        assert [(p.rule, p.sheet, p.row, p.column) for p in submission.outcome.report.errors] == expected
    # Two CSV files of one sheet: one would hide the other.
    hidden = hf.csv_zip_with(good, tmp_path / "two.zip", {"old/Client Profile.csv": f"x,{hf.EMAIL}\r\n".encode()})
    (refused,) = submit_extract(hidden, "AG001", Q1, user="test").outcome.report.errors
    assert refused.rule == "file_unreadable" and "two files named 'Client Profile.csv'" in refused.text("en")[0]
    # The agency reference too has its sheets and no other.
    reference = hf.with_extra_sheet(region / "agencies.xlsx", tmp_path / "agencies.xlsx", "Contacts")
    assert [p.rule for p in submit_agencies(reference, user="test").outcome.report.errors] == ["sheet_extra"]
    assert hf.EMAIL not in _traces() and hf.PHONE not in _traces()
    assert not [u for u in _register() if u.status == "received"]


# 2. another agency's file


def test_an_agencys_extract_uploaded_as_another_agency_is_refused_row_by_row(home, region):
    own = region / "AG001_2024Q1.xlsx"
    upload, _, rows = _rejected_by_command(
        own,
        home,
        "AG002",
        "2024Q1",
        "en",
        "The record id 'AG001-IO-0000001' is one of AG001's, but the file is uploaded as AG002's extract.",
        "If the file is AG001's, upload it as AG001",
    )
    ids = sum(len(r) - 3 for r in wb.read_rows(own).values() if "record_id" in r[1])
    assert upload.errors == ids, "every record id, and nothing else"
    assert ("Info&Orien", "4", "record_id") in _where(rows, "agency_mismatch")
    assert {column for _, _, column in _where(rows, "agency_mismatch")} == {"record_id"}
    _rejected_by_command(
        region / "AG002_2024Q1.xlsx",
        home,
        "AG001",
        "2024Q1",
        "fr",
        "L'identifiant d'enregistrement « AG002-IO-0000001 » est un identifiant de AG002, mais le fichier est "
        "téléversé comme extrait de AG001.",
    )
    assert submit_extract(own, "AG001", Q1, user="test").accepted, "its own agency's"


def test_the_longest_agency_code_in_front_of_a_record_id_names_its_agency(region, tmp_path):
    from accueil.ingest.validate import validate_extract

    good = region / "AG001_2024Q1.xlsx"

    def owners(path: Path, agency: str, known: set[str]) -> set[str]:
        outcome = validate_extract(path.read_bytes(), file_name="x", agency=agency, quarter=Q1, known_agencies=known)
        return {dict(p.params)["owner"] for p in outcome.report.problems if p.rule == "agency_mismatch"}

    hyphenated = hf.record_ids_of(good, tmp_path / "hyphen.xlsx", "AG001", "AG-1")
    assert owners(hyphenated, "AG-1", {"AG", "AG-1"}) == set(), "AG-1-IO-0000001 is AG-1's, not AG's"
    assert owners(hyphenated, "AG", {"AG", "AG-1"}) == {"AG-1"}
    # Ids an agency's own system made, with no agency code in front, say nothing.
    plain = hf.record_ids_of(good, tmp_path / "plain.xlsx", "AG001", "X9")
    assert owners(plain, "AG002", {"AG001", "AG002"}) == set()
    # Without the reference there is nothing to compare with.
    assert owners(good, "AG002", None) == set()


# 3. quarters


def test_quarters_far_ahead_or_before_the_floor_are_refused_with_a_report_and_nothing_stays_received(home, region):
    good = region / "AG001_2024Q1.xlsx"
    latest = str(Quarter.current().next())
    upload, page, _ = _rejected_by_command(
        good,
        home,
        "AG001",
        "2099Q1",
        "en",
        f"The quarter 2099Q1 is not one an extract can be uploaded for: from 2012Q1 to {latest}",
    )
    assert upload.errors == 1 and "Rows read" not in page, "the file was not read"
    _rejected_by_command(
        good, home, "AG001", "9999Q4", "fr", "Le trimestre 9999Q4 n'est pas un trimestre pour lequel un extrait"
    )
    _rejected_by_command(good, home, "AG002", "2011Q4", "en", "The quarter 2011Q4 is not one")
    # Not a quarter of the calendar at all: refused in one sentence, before anything is received.
    before = _register()
    run = hf.run_watched(["upload", str(good), "--agency", "AG001", "--quarter", "0000Q1"], home)
    assert run.code == 2 and "'0000Q1' is not a quarter; write it as YYYYQn" in run.stderr, run.stderr
    assert _register() == before
    assert not [u for u in _register() if u.kind == "extract" and u.status in ("received", "accepted")]


def test_the_quarters_an_upload_may_be_declared_for_follow_today(home, region, monkeypatch):
    from accueil import quarters
    from accueil.ingest.bounds import quarter_refused

    contract = extract_contract()
    assert quarter_refused(contract, Quarter(2012, 1), date(2024, 5, 1)) is None
    assert quarter_refused(contract, Quarter(2024, 3), date(2024, 5, 1)) is None, "the quarter after today's"
    for refused in (Quarter(2011, 4), Quarter(2024, 4), Quarter(9999, 4)):
        found = quarter_refused(contract, refused, date(2024, 5, 1))
        assert found.rule == "quarter_out_of_range" and dict(found.params)["latest"] == "2024Q3", refused
    monkeypatch.setattr(quarters, "today", lambda: date(2023, 8, 1))  # 2023Q3: 2023Q4 is the latest
    late = submit_extract(region / "AG001_2024Q1.xlsx", "AG001", Q1, user="test")
    assert [p.rule for p in late.outcome.report.errors] == ["quarter_out_of_range"]
    assert late.upload.status == "rejected"
    monkeypatch.setattr(quarters, "today", lambda: date(2023, 11, 20))  # 2023Q4: 2024Q1 is the latest
    assert submit_extract(region / "AG002_2024Q1.xlsx", "AG002", Q1, user="test").accepted


def test_a_quarter_always_has_calendar_dates():
    for text in ("0000Q1", "2024Q0", "2024Q5", "99999Q1", "", "2024", "\u0662\u0660\u0662\u0664Q1", "2024Q1; x"):
        with pytest.raises(ValueError):
            Quarter.parse(text)
    assert Quarter.parse("9999Q4").end == date(9999, 12, 31)
    assert Quarter.parse("0001Q1").start == date(1, 1, 1)
    assert str(Quarter.parse("0999 q2")) == "0999Q2"
    with pytest.raises(ValueError):
        Quarter.parse("9999Q4").next()
    for year in (1, 1999, 2024, 9998):
        for number in (1, 2, 3, 4):
            quarter = Quarter(year, number)
            assert quarter.start < quarter.end and quarter.end + timedelta(days=1) == quarter.next().start
    assert Quarter(2024, 4).plus(1) == Quarter(2025, 1) and Quarter(2024, 1).plus(-1) == Quarter(2023, 4)


# 4. control and format characters


def test_every_control_format_and_separator_character_is_refused():
    pattern = re.compile(f"[{INVISIBLE}]")
    for code in range(0x110000):
        char = chr(code)
        category = unicodedata.category(char)
        if category in INVISIBLE_CATEGORIES:
            assert pattern.match(char), f"U+{code:04X} ({category}) is let through"
        elif pattern.match(char):
            assert category == "Cn", f"U+{code:04X} ({category}) is refused"  # assigned in a later Unicode only
    # Ordinary text stays: accents, the no-break spaces of fr-CA numbers, other scripts, emoji.
    assert not pattern.search("Émilie Côté, 1\u202f234,5\u00a0$, مرحبا, 你好, 🙂")


CONTROL_CELLS = [
    # (sheet, machine name, data row, character, where it goes, rules that may report it)
    ("Info&Orien", "record_id", 0, "\x00", 8, {"type_identifier"}),
    (
        "Info&Orien",
        "orientation_service_id",
        1,
        "\u200b",
        2,
        {"text_control_character"},
    ),  # a code: folded, once let through
    ("Info&Orien", "start_dttm", 2, "\u2060", 10, {"text_control_character"}),
    ("Client Profile", "client_key", 0, "\u00ad", 10, {"text_control_character"}),
    ("Client Profile", "gender_id", 1, "\u202e", 0, {"text_control_character"}),
    ("Info&Orien", "client_birth_year", 3, "\U000e0031", 4, {"text_control_character"}),  # an invisible tag
]


@pytest.mark.parametrize("form", ["xlsx", "zip of CSVs"])
def test_nul_zero_width_and_other_invisible_characters_are_row_errors_in_every_field(home, region, tmp_path, form):
    rows = wb.read_rows(region / "AG001_2024Q1.xlsx")
    for sheet, column, index, char, at, _ in CONTROL_CELLS:
        value = str(rows[sheet][3 + index][wb.column(rows, sheet, column)])
        wb.set_cell(rows, sheet, column, index, value[:at] + char + value[at:])
    rows["Outcome Follow-up"][1].append("notes\u202etxt")  # a header of its own, with a direction override
    path = wb.write_rows(tmp_path / "controls.xlsx", rows, as_text=True)
    if form != "xlsx":
        path = wb.csv_zip(path, tmp_path / "controls.zip")
    submission = submit_extract(path, "AG001", Q1, user="test")
    assert submission.upload.status == "rejected"
    errors = submission.outcome.report.errors
    for sheet, column, index, char, _, rules in CONTROL_CELLS:
        here = [
            p
            for p in errors
            if (p.sheet, p.row, p.column) == (sheet, 4 + index if form == "xlsx" else 2 + index, column)
        ]
        assert {p.rule for p in here} & rules, (column, [(p.rule, p.value) for p in here])
        assert all(p.value is None or char not in p.value for p in here), "shown visibly, never repeated"
        assert any(f"U+{ord(char):04X}" in (p.value or "") + p.text("en")[0] for p in here)
    header_row = 2 if form == "xlsx" else 1
    assert ("Outcome Follow-up", header_row, "notes<U+202E>txt") in {(p.sheet, p.row, p.column) for p in errors}
    shown = Path(submission.upload.report_html).read_text(encoding="utf-8")
    shown += Path(submission.upload.report_csv).read_text(encoding="utf-8-sig")
    assert not any(char in shown for *_, char, _, _ in CONTROL_CELLS) and "\u202e" not in shown


def test_nul_in_an_identifier_is_refused_through_the_command(home, region, tmp_path):
    path = hf.with_cells(
        region / "AG001_2024Q1.xlsx", tmp_path / "nul.xlsx", [("Info&Orien", "record_id", 0, "AG001\x00IO")]
    )
    _, _, rows = _rejected_by_command(path, home, "AG001", "2024Q1", "en", "is not a valid Record ID")
    assert _where(rows, "type_identifier") == {("Info&Orien", "4", "record_id")}
    assert [r[4] for r in rows[1:] if r[5] == "type_identifier"] == ["AG001<U+0000>IO"]


# 5. years of birth and arrival dates


BOUNDS_CELLS = [
    # (data row, column, value, earliest, latest) in Client Profile, for an extract of 2024Q1
    (0, "client_birth_year", "1900", "1914", "2024"),
    (1, "client_birth_year", "2025", "1914", "2024"),
    (2, "arrival_dt", "1949-12-31", "1950-01-01", "2024-03-31"),
    (3, "arrival_dt", "2024-04-01", "1950-01-01", "2024-03-31"),
    (4, "arrival_dt", "2009-06-30", "2010-01-01", "2024-03-31"),  # before the client's year of birth, 2010
]


def test_implausible_years_of_birth_and_arrival_dates_are_row_errors(home, region, tmp_path):
    from accueil.ingest.validate import validate_extract

    changes = [("Client Profile", column, index, value) for index, column, value, *_ in BOUNDS_CELLS]
    changes += [
        ("Client Profile", "client_birth_year", index, year) for index, year in ((2, "1940"), (3, "1940"), (4, "2010"))
    ]
    path = hf.with_cells(region / "AG001_2024Q1.xlsx", tmp_path / "years.xlsx", changes)
    _, _, rows = _rejected_by_command(
        path,
        home,
        "AG001",
        "2024Q1",
        "fr",
        "« 1900 » n'est pas une valeur plausible de Année de naissance : dans ce fichier, elle doit aller de "
        "1914 à 2024.",
        "Année de naissance n'est pas avant l'année du trimestre − 110, et pas après le dernier jour du trimestre",
    )
    found = {(p[2], p[3]) for p in rows[1:] if p[5] == "out_of_bounds" and p[1] == "Client Profile"}
    assert {(str(4 + index), column) for index, column, *_ in BOUNDS_CELLS} <= found, found
    outcome = validate_extract(path.read_bytes(), file_name="years.xlsx", agency="AG001", quarter=Q1)
    bounded = {(p.row, p.column): p for p in outcome.report.errors if p.rule == "out_of_bounds"}
    labels = {"client_birth_year": "Year of birth", "arrival_dt": "Date of arrival in Canada (YYYY-MM-DD)"}
    for index, column, value, earliest, latest in BOUNDS_CELLS:
        (english, fix) = bounded[(4 + index, column)].text("en")
        label = labels[column]  # the workbook's label (accueil/contract/extract_v1.yaml)
        assert english == f"'{value}' is not a plausible {label}: in this file it must be from {earliest} to {latest}."
    assert fix == (
        "Correct it in your system: Date of arrival in Canada (YYYY-MM-DD) is not before 1950-01-01 or "
        "`client_birth_year`, and not after the quarter's last day."
    )
    # The bounds are the contract's, and the page generated from it shows them.
    page = (Path(__file__).parents[1] / "docs" / "extract-contract.md").read_text(encoding="utf-8")
    assert "year (YYYY); not before the quarter's year − 110, and not after the quarter's last day" in page
    assert "not before 1950-01-01 or `client_birth_year`" in page


def test_a_funding_quarter_far_ahead_is_refused(home, region, tmp_path):
    path = hf.with_cells(region / "agencies.xlsx", tmp_path / "agencies.xlsx", [("Funding", "quarter", 0, "2099Q1")])
    submission = submit_agencies(path, user="test")
    assert submission.upload.status == "rejected"
    (found,) = submission.outcome.report.errors
    assert (found.rule, found.sheet, found.row, found.column) == ("out_of_bounds", "Funding", 4, "quarter")
    assert dict(found.params)["latest"] == str(Quarter.current().plus(20))


# 6. paths that are not files


def _not_a_file(kind: str, tmp_path: Path) -> Path:
    if kind == "FIFO":
        return hf.fifo(tmp_path / "AG001_2024Q1.xlsx")
    if kind == "device":
        return Path("/dev/zero")
    if kind == "symbolic link":
        link = tmp_path / "AG001_2024Q1.xlsx"
        link.symlink_to("/etc/passwd")
        return link
    folder = tmp_path / "AG001_2024Q1"
    folder.mkdir()
    return folder


@pytest.mark.parametrize(
    "kind,sentence",
    [
        ("FIFO", "Error: 'AG001_2024Q1.xlsx' is a named pipe (FIFO), not a regular file: only a file can be uploaded."),
        ("device", "Error: 'zero' is a device, not a regular file: only a file can be uploaded."),
        ("symbolic link", "Error: 'AG001_2024Q1.xlsx' is a symbolic link: upload the file itself, not a link to it."),
    ],
)
def test_only_a_regular_file_is_uploaded(home, tmp_path, kind, sentence):
    path = _not_a_file(kind, tmp_path)
    before, raw = _register(), sorted(config.raw_dir().rglob("*"))
    run = hf.run_watched(["upload", str(path), "--agency", "AG001", "--quarter", "2024Q1"], home, stop_after=60)
    assert (run.code, run.stderr.strip()) == (2, sentence), run.stdout + run.stderr
    assert run.seconds < 30 and run.peak_bytes < GIGABYTE
    assert _register() == before and sorted(config.raw_dir().rglob("*")) == raw, "nothing received, nothing kept"


@pytest.mark.parametrize("kind", ["FIFO", "device", "symbolic link", "folder"])
def test_the_door_itself_refuses_what_is_not_a_regular_file(home, tmp_path, kind):
    path = _not_a_file(kind, tmp_path)
    before = _register()
    with pytest.raises(NotAFile):
        submit_extract(path, "AG001", Q1, user="test")
    with pytest.raises(NotAFile):
        submit_agencies(path, user="test")
    assert _register() == before


def test_an_upload_reads_at_most_the_size_limit_and_one_byte(home, tmp_path, monkeypatch):
    limit = extract_contract().limits.file_bytes
    huge = hf.sparse(tmp_path / "AG001_2024Q1.xlsx", 40 * limit)  # 2 GB of nothing, on no disk
    read = []
    real_read = os.read

    def counted(fd, size):
        piece = real_read(fd, size)
        read.append(len(piece))
        return piece

    monkeypatch.setattr(os, "read", counted)
    submission = submit_extract(huge, "AG001", Q1, user="test")
    monkeypatch.undo()
    assert sum(read) == limit + 1
    assert submission.upload.status == "rejected" and submission.upload.size_bytes == 40 * limit
    assert [p.rule for p in submission.outcome.report.errors] == ["over_limit"]
