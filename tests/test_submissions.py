"""Submission tracking, live from the upload register: real files through the real door.

The small region (3 agencies, 2024Q1-2024Q2) is uploaded as agencies would: AG001 sends 2024Q1,
AG002 sends its 2024Q2 file declared as 2024Q1 (rejected: its dates are another quarter's),
AG003 sends nothing.  Every status is checked against the register read here with plain SQL.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from accueil import config, control
from accueil.access import AccessDenied, Viewer
from accueil.access import submissions as tracking
from accueil.auth import users
from accueil.cli import cli
from accueil.ingest.submit import submit_agencies, submit_extract
from accueil.quarters import Quarter
from tests.test_dashboards import PASSWORD, choose, open_page, table, writable_home  # noqa: F401 (a fixture)
from tests.workbooks import read_rows

ADMIN = Viewer("root", "admin")
Q1 = Quarter(2024, 1)


@pytest.fixture(scope="module")
def uploaded(small_region, tmp_path_factory):
    """A home where AG001's 2024Q1 is accepted, AG002's is rejected, AG003 sent nothing."""
    home = tmp_path_factory.mktemp("submissions-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ACCUEIL_HOME", str(home))
        assert submit_agencies(small_region / "agencies.xlsx", user="test").accepted
        assert submit_extract(small_region / "AG001_2024Q1.xlsx", "AG001", Q1, "clerk1").accepted
        wrong = tmp_path_factory.mktemp("wrong") / "AG002_2024Q2.xlsx"
        shutil.copy2(small_region / "AG002_2024Q2.xlsx", wrong)
        assert not submit_extract(wrong, "AG002", Q1, "clerk2").accepted
    return home


@pytest.fixture
def home(uploaded, tmp_path, monkeypatch) -> Path:
    """A copy of the uploaded home per test, so that what one test sends no other sees."""
    target = tmp_path / "home"
    shutil.copytree(uploaded, target)
    monkeypatch.setenv("ACCUEIL_HOME", str(target))
    return target


def _register(home: Path, quarter: str) -> dict[str, list[str]]:
    """Each agency's upload statuses for the quarter, oldest first, read with plain SQL."""
    with sqlite3.connect(home / "control.sqlite") as con:
        rows = con.execute(
            "select agency_cd, status from uploads where kind = 'extract' and quarter = ? order by upload_id",
            (quarter,),
        ).fetchall()
    found: dict[str, list[str]] = {}
    for agency, status in rows:
        found.setdefault(agency, []).append(status)
    return found


def _expected(statuses: list[str]) -> str:
    if any(s in ("accepted", "loaded") for s in statuses):
        return "accepted"
    if not statuses:
        return "missing"
    return {"received": "checking", "rejected": "rejected"}[statuses[-1]]


def test_status_per_agency_equals_the_register(home, small_region):
    rows = tracking.submission_status(ADMIN, "2024Q1").set_index("agency_code")
    register = _register(home, "2024Q1")
    reference = sorted(p.stem.split("_")[0] for p in small_region.glob("AG*_2024Q1.xlsx"))
    assert list(rows.index) == reference == ["AG001", "AG002", "AG003"]
    for agency in reference:
        assert rows.loc[agency, "status"] == _expected(register.get(agency, [])), agency
        assert rows.loc[agency, "attempts"] == len(register.get(agency, []))
    assert list(rows["status"]) == ["accepted", "rejected", "missing"]
    assert rows.loc["AG002", "rejected_attempts"] == 1
    # Default due date: 30 days after the quarter ends (31 March 2024 + 30 = 30 April 2024).
    assert set(rows["due_date"]) == {date(2024, 3, 31) + timedelta(days=30)} == {date(2024, 4, 30)}
    # Received today, long after 30 April 2024: the accepted one is late, and so are the others.
    assert rows["late"].all()


def test_a_correction_is_seen_at_once_without_a_build(home, small_region):
    assert tracking.submission_status(ADMIN, "2024Q1", "AG002")["status"].iloc[0] == "rejected"
    assert submit_extract(small_region / "AG002_2024Q1.xlsx", "AG002", Q1, "clerk2").accepted
    row = tracking.submission_status(ADMIN, "2024Q1", "AG002").iloc[0]
    assert row["status"] == "accepted" and row["attempts"] == 2 and row["rejected_attempts"] == 1
    with sqlite3.connect(home / "control.sqlite") as con:
        newest = con.execute("select max(upload_id) from uploads where agency_cd = 'AG002'").fetchone()[0]
        assert con.execute("select count(*) from builds").fetchone()[0] == 0  # nothing was built
    assert row["upload_id"] == newest
    assert not (config.home() / "published").exists()


def test_an_admin_sets_the_due_date_and_it_is_audited(home, monkeypatch):
    monkeypatch.setattr("accueil.quarters.today", lambda: date(2024, 5, 10))
    runner = CliRunner()
    before = tracking.submission_status(ADMIN, "2024Q1").set_index("agency_code")
    assert before["late"].all()  # 10 May is after 30 April

    result = runner.invoke(cli, ["submissions", "due", "2024Q1", "2024-05-31"])
    assert result.exit_code == 0, result.output
    assert "2024Q1's extracts are now due on 2024-05-31." in result.output
    after = tracking.submission_status(ADMIN, "2024Q1").set_index("agency_code")
    assert set(after["due_date"]) == {date(2024, 5, 31)}
    # Not late any more: AG002 and AG003 still have until 31 May; AG001's was received today (2026),
    # after 31 May 2024, so it stays late.
    received = date.fromisoformat(after.loc["AG001", "received_at"][:10])
    assert after.loc["AG001", "late"] == (received > date(2024, 5, 31))
    assert not after.loc["AG002", "late"] and not after.loc["AG003", "late"]
    with sqlite3.connect(home / "control.sqlite") as con:
        audit = con.execute(
            "select actor, target, detail from audit_log where action = 'submission_due_set'"
        ).fetchall()
    assert len(audit) == 1 and audit[0][0].startswith("os:") and audit[0][1] == "quarter:2024Q1"
    assert '"due_date": "2024-05-31"' in audit[0][2] and '"before": null' in audit[0][2]

    result = runner.invoke(cli, ["submissions", "due", "2024Q1", "--default"])
    assert result.exit_code == 0 and "(was 2024-05-31)" in result.output
    assert tracking.due_dates(["2024Q1"])["2024Q1"] == (date(2024, 4, 30), False)
    refused = runner.invoke(cli, ["submissions", "due", "2024Q1", "31/05/2024"])
    assert refused.exit_code == 2 and "is not a date; write it as YYYY-MM-DD" in refused.output
    refused = runner.invoke(cli, ["submissions", "due", "2024Q1", "2023-12-31"])
    assert refused.exit_code == 2 and "before 2024Q1 begins" in refused.output


def test_the_command_lists_every_agency_with_its_status(home):
    result = CliRunner().invoke(cli, ["submissions", "--quarter", "2024Q1"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Quarter 2024Q1, due 2024-04-30 (the default: 30 days after the quarter ends)."
    body = {line.split()[0]: line.split()[1] for line in lines[2:-1]}
    assert body == {"AG001": "accepted", "AG002": "rejected", "AG003": "missing"}
    assert lines[-1] == "3 agencies: 1 accepted, 0 checking, 1 rejected, 1 missing; 3 late."
    # The quarter awaited now is the default: the latest that has ended.
    result = CliRunner().invoke(cli, ["submissions"])
    assert result.output.startswith(f"Quarter {Quarter.current().plus(-1)}, due ")


def test_who_may_see_which_agency(home):
    council = Viewer("cam", "council")
    assert len(tracking.submission_status(council, "2024Q1")) == 3
    own = tracking.submission_status(Viewer("ana", "agency", "AG001"), "2024Q1", "AG001")
    assert list(own["agency_code"]) == ["AG001"] and own["status"].iloc[0] == "accepted"
    for viewer, agency in [
        (Viewer("ana", "agency", "AG001"), "AG002"),
        (Viewer("ana", "agency", "AG001"), None),
        (Viewer("fay", "funder"), None),
    ]:
        with pytest.raises(AccessDenied):
            tracking.submission_status(viewer, "2024Q1", agency)


def test_tracked_quarters_include_the_awaited_one_and_every_one_sent(home):
    quarters = tracking.tracked_quarters()
    assert quarters == sorted({"2024Q1", str(tracking.default_quarter())}, reverse=True)


# --- the pages, on the sample region's snapshot (tests/test_dashboards.py's homes) ---------------


@pytest.fixture
def page_home(writable_home) -> Path:  # noqa: F811 (the fixture imported above)
    """The sample region's snapshot and a copy of its register and agency reference
    (tests/test_dashboards.py's writable_home): enough to upload and read the pages."""
    target = writable_home
    # AG001's clerk under a name of its own: the access layer audits a view of client-level data once
    # per viewer and snapshot in a process, and tests/test_dashboards_roles.py counts ana's.
    with control.connect() as con:
        users.add(con, "test", "aki", "agency", "AG001", PASSWORD)
    return target


def _page_rows(at) -> dict[str, tuple[str, str]]:
    shown = table(at, "Agency", "Status", "Late")
    return dict(zip(shown["Agency"], zip(shown["Status"], shown["Late"], strict=True), strict=True))


@pytest.mark.usefixtures("cheap_hashes")
def test_the_page_shows_a_rejection_at_once_and_an_agency_its_own(page_home, sample_region):
    region, truth = sample_region
    last = max(truth["quarters"])
    after = str(Quarter.parse(last).next())
    at = open_page("submissions", user="cam")  # the council
    choose(at, "s_quarter", last)
    shown = _page_rows(at)
    register = _register(page_home, last)
    assert len(shown) == 12 and set(register) == set(shown)
    assert {agency: state for agency, (state, _) in shown.items()} == {
        agency: {"accepted": "accepted", "rejected": "rejected, not corrected"}[_expected(statuses)]
        for agency, statuses in register.items()
    }
    assert "Due on " in at.subheader[0].value

    # AG001 sends its last quarter's file declared as the next quarter: rejected, and shown at once.
    assert not submit_extract(region / f"AG001_{last}.xlsx", "AG001", Quarter.parse(after), "aki").accepted
    at = open_page("submissions", user="cam")
    choose(at, "s_quarter", after)
    shown = _page_rows(at)
    assert shown.pop("AG001")[0] == "rejected, not corrected"
    assert {state for state, _ in shown.values()} == {"nothing sent"} and len(shown) == 11

    at = open_page("agency", user="aki", lang="fr")
    own = table(at, "Trimestre", "Date limite", "Situation")
    assert set(own["Trimestre"]) >= {"2025 T4", "2026 T1"}
    states = dict(zip(own["Trimestre"], own["Situation"], strict=True))
    assert states[after.replace("Q", " T")] == "refusé, non corrigé"
    assert states[last.replace("Q", " T")] == "accepté"
    assert not any("AG002" in str(v) for v in own.to_numpy().ravel())


# --- submitting without surprises: the quarter a file covers, and one sentence when it is not the one chosen ----


def _event_quarters(path: Path) -> dict[str, int]:
    """Dated rows per quarter, read from the workbook with calamine: each sheet's first filled event
    date (the contract's `event_date`), data from row 4."""
    from accueil.contract import extract_contract

    counts: dict[str, int] = {}
    book = read_rows(path)
    for sheet in extract_contract().sheets:
        rows = book.get(sheet.name, [])
        if not rows or not sheet.event_date:
            continue
        header = rows[1]
        for row in rows[3:]:
            values = [row[header.index(c)] for c in sheet.event_date if c in header]
            value = next((v for v in values if v not in ("", None)), None)
            if value is None:
                continue
            day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
            key = f"{day.year}Q{(day.month - 1) // 3 + 1}"
            counts[key] = counts.get(key, 0) + 1
    return counts


def test_a_file_sent_under_another_quarter_is_told_so_first(home, small_region):
    with sqlite3.connect(home / "control.sqlite") as con:
        html, csv = con.execute(
            "select report_html, report_csv from uploads where agency_cd = 'AG002' and status = 'rejected'"
        ).fetchone()
    counts = _event_quarters(small_region / "AG002_2024Q2.xlsx")
    assert max(counts, key=counts.get) == "2024Q2" and counts.get("2024Q1", 0) * 2 < sum(counts.values())
    sentence = (
        f"This file was uploaded as 2024Q1, but its dates are in 2024Q2 ({counts['2024Q2']} of its "
        f"{sum(counts.values())} dated rows)."
    )
    text = Path(html).read_text(encoding="utf-8")
    # Before the summary and every row error.
    assert text.index(sentence) < text.index("<h2>Summary</h2>") < text.index("is outside the quarter 2024Q1")
    first_row = Path(csv).read_text(encoding="utf-8-sig").splitlines()[1]
    assert sentence in first_row
    # The accepted file has no such sentence.
    with sqlite3.connect(home / "control.sqlite") as con:
        (good,) = con.execute("select report_html from uploads where agency_cd = 'AG001'").fetchone()
    assert "but its dates are in" not in Path(good).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("lang", "start"),
    [
        ("en", "This file was uploaded as 2024Q1, but its dates are in 2024Q2 ("),
        ("fr", "Ce fichier a été téléversé pour 2024Q1, mais ses dates sont en 2024Q2 ("),
    ],
)
def test_the_upload_command_says_it_in_one_sentence_before_any_row_error(home, small_region, lang, start, tmp_path):
    wrong = tmp_path / "AG003_2024Q2.xlsx"
    shutil.copy2(small_region / "AG003_2024Q2.xlsx", wrong)
    args = ["upload", str(wrong), "--agency", "AG003", "--quarter", "2024Q1", "--lang", lang]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Rejected: AG003_2024Q2.xlsx for AG003 2024Q1 has ")
    assert lines[1].startswith(start) and lines[1].count(". ") == 0 and lines[1].endswith(").")
    assert lines[2].startswith("  - ") and ", row " in lines[2]  # the row errors come after it


def test_the_quarter_proposed_comes_from_the_dates_then_the_name(small_region):
    from accueil.ingest.web import propose_quarter

    data = (small_region / "AG002_2024Q2.xlsx").read_bytes()
    counts = _event_quarters(small_region / "AG002_2024Q2.xlsx")
    assert propose_quarter(data, "AG002_2024Q1.xlsx") == (max(counts, key=counts.get), "dates") == ("2024Q2", "dates")
    assert propose_quarter(data, "extract.xlsx") == ("2024Q2", "dates")
    assert propose_quarter(b"not a workbook", "AG001_2025Q4_final.xlsx") == ("2025Q4", "name")
    assert propose_quarter(b"not a workbook", "extract.xlsx") == (None, "")


@pytest.mark.usefixtures("cheap_hashes")
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_agency_page_proposes_the_quarter_and_says_when_another_is_chosen(page_home, sample_region, lang):
    region, truth = sample_region
    last = max(truth["quarters"])
    after = str(Quarter.parse(last).next())
    counts = _event_quarters(region / f"AG001_{last}.xlsx")
    assert max(counts, key=counts.get) == last
    data = (region / f"AG001_{last}.xlsx").read_bytes()

    at = open_page("agency", user="aki", lang=lang)
    assert at.selectbox(key=f"a_quarter__{lang}").value == after  # the form's default: the next quarter
    at.file_uploader(key="a_file").set_value(("extract.xlsx", data, "application/octet-stream")).run()
    assert at.selectbox(key=f"a_quarter__{lang}").value == last  # read from the dates: the name has none
    choose(at, "a_quarter", after, lang)  # the clerk keeps the wrong one
    shown = last.replace("Q", " T" if lang == "fr" else " Q")
    warning = {
        "en": f"The dates in this file are in {shown}, not in ",
        "fr": f"Les dates de ce fichier sont en {shown}, et non en ",
    }[lang]
    assert any(w.value.startswith(warning) for w in at.warning), [w.value for w in at.warning]
    at.button(key="a_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    sentence = {
        "en": f"This file was uploaded as {after}, but its dates are in {last} ({counts[last]} of its "
        f"{sum(counts.values())} dated rows).",
        "fr": f"Ce fichier a été téléversé pour {after}, mais ses dates sont en {last} ({counts[last]} de ses "
        f"{sum(counts.values())} lignes datées).",
    }[lang]
    errors = [e.value.replace("\\", "") for e in at.error]
    assert len(errors) == 2 and errors[1] == sentence  # right under "Rejected", before the table of rows
    problems = table(at, *({"en": ("Problem",), "fr": ("Problème",)}[lang]))
    assert problems.iloc[0, list(problems.columns).index({"en": "Problem", "fr": "Problème"}[lang])] == sentence
    assert len(problems) > 1  # the row errors follow
