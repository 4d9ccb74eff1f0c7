"""Issue 21, the door: what an uploaded file or an upload's name can do on the way in.

Each attack of the issue on a small home: it is refused quickly, within bounded memory, with
its report in English and French, and nothing from it is staged or left `received`.
"""

from __future__ import annotations

import dataclasses
import html
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from accueil import config, control
from accueil.contract import extract_contract
from accueil.generate import GenerateOptions, generate
from accueil.ingest import abandoned, names
from accueil.ingest.sandbox import read_bounded
from accueil.ingest.submit import submit_agencies, submit_extract
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
    # The largest resident size of any child of this test process so far, uploads included.
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 < 2 * GIGABYTE
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
    assert first.text("en")[0].startswith("'+cmd|' /C calc'!A0' is not a valid record_id: an identifier is")
    assert first.text("fr")[0].startswith("« +cmd|' /C calc'!A0 » n'est pas un record_id valide")


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
