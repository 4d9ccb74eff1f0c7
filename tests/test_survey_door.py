"""Issue 20, client feedback files at the door: hostile survey files are rejected whole with their
rows named, in English and French; a corrected file supersedes the old one, which stays in the
register's history; the same bytes again are a no-op, unless a correction replaced them.

Each test has its own small home (tests/conftest.py); the pipeline's loader runs on an
in-memory DuckDB, so no warehouse is built here.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from accueil import config, control
from accueil.cli import cli
from accueil.contract import survey_contract
from accueil.ingest.submit import staged_dir
from accueil.ingest.survey import ITEMS, submit_survey
from accueil.ingest.survey_warehouse import load_pending
from accueil.workbook import write_workbook

HEADER = survey_contract().sheet("Responses").column_names
KEY_A, KEY_B, KEY_C = "a" * 64, "b" * 64, "c" * 64


def _row(number: int, key: str = "", period: str = "2025Q2", agency: str = "AG001", **answers) -> dict:
    row = {
        "survey_id": "EXIT",
        "period": period,
        "agency_cd": agency,
        "response_id": f"R{number}",
        "client_key": key,
        "stream_id": "Employment-related services",
        "welcomed": "5",
        "understood": "4",
        "own_language": "3",
        "helped": "2",
        "more_confident": "1",
        "got_help_needed": "Yes",
        "would_recommend": "No",
        "knows_where_next": "",
    }
    row.update(answers)
    return row


def _csv(path: Path, rows: list[dict], extra: list[str] = ()) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, [*HEADER, *extra], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _good(tmp_path: Path, name: str = "AG001_EXIT_2025Q2.csv", **answers) -> Path:
    return _csv(tmp_path / name, [_row(1, KEY_A, **answers), _row(2, KEY_B), _row(3)])


def _report(submission, lang: str) -> str:
    return Path(submission.upload.report_csv).read_text(encoding="utf-8-sig")


def _rejected(tmp_path: Path, path: Path, rule: str, rows: set[int], column: str | None = None) -> list:
    """Rejected whole in either language: the rule on exactly these rows, nothing staged."""
    submissions = []
    for lang in ("en", "fr"):
        copy = tmp_path / f"{lang}_{path.name}"
        copy.write_bytes(path.read_bytes() + (b"" if lang == "en" else b"\n"))  # other bytes: checked again
        submission = submit_survey(copy, "AG001", "test", lang)
        assert submission.upload.status == "rejected" and submission.upload.errors > 0
        assert not staged_dir(submission.upload.upload_id).exists()
        found = [p for p in submission.outcome.report.problems if p.rule == rule]
        assert {p.row for p in found} == rows, (
            rule,
            [(p.rule, p.row, p.column) for p in submission.outcome.report.problems],
        )
        if column:
            assert {p.column for p in found} == {column}
        report = _report(submission, lang)
        what = found[0].text(lang)[0]
        assert what in report
        # The report names the row in the agency's language.
        assert ("Ligne" in report or "ligne" in report) if lang == "fr" else ("Row" in report or "row" in report)
        submissions.append(submission)
    return submissions


def test_a_good_survey_file_is_accepted_and_staged(tmp_path):
    submission = submit_survey(_good(tmp_path), "AG001", "test")
    assert submission.upload.status == "accepted", submission.outcome.report.problems
    assert (submission.upload.subject, submission.upload.quarter) == ("EXIT", "2025Q2")
    assert (staged_dir(submission.upload.upload_id) / "survey_responses.parquet").exists()
    # The raw bytes are kept, read-only, by their digest.
    raw = config.raw_dir() / submission.upload.sha256[:2] / submission.upload.sha256
    assert raw.read_bytes() == (tmp_path / "AG001_EXIT_2025Q2.csv").read_bytes()


def test_a_free_text_column_is_refused_with_its_rows_named_and_never_quoted(tmp_path):
    rows = [_row(1, KEY_A), _row(2), _row(3)]
    rows[0]["comments"], rows[2]["comments"] = "Marie Tremblay at 12 Main St was very kind", "merci"
    rows[1]["comments"] = ""
    path = _csv(tmp_path / "free.csv", rows, ["comments"])
    _rejected(tmp_path, path, "survey_free_text", {2, 4}, "comments")
    report = (config.reports_dir()).glob("*.csv")
    assert not any("Tremblay" in p.read_text(encoding="utf-8-sig") for p in report)


def test_an_unknown_item_is_refused(tmp_path):
    rows = [_row(1), _row(2), _row(3)]
    for row, answer in zip(rows, ("4", "", "2"), strict=True):
        row["waiting_time_ok"] = answer
    _rejected(tmp_path, _csv(tmp_path / "item.csv", rows, ["waiting_time_ok"]), "survey_item_unknown", {2, 4})


def test_a_period_still_to_come_is_refused(tmp_path):
    rows = [_row(1, period="2099Q1"), _row(2, period="2099Q1")]
    _rejected(tmp_path, _csv(tmp_path / "future.csv", rows), "out_of_bounds", {2, 3}, "period")


def test_duplicate_responses_are_refused(tmp_path):
    rows = [_row(1, KEY_A), _row(2, KEY_B), _row(1, KEY_C)]
    _rejected(tmp_path, _csv(tmp_path / "twice.csv", rows), "duplicate_key", {2, 4})
    rows = [_row(1, KEY_A), _row(2, KEY_B), _row(3, KEY_A)]
    _rejected(tmp_path, _csv(tmp_path / "client_twice.csv", rows), "survey_client_twice", {4}, "client_key")


def test_values_out_of_range_are_refused(tmp_path):
    rows = [_row(1, welcomed="6"), _row(2, helped="0"), _row(3, would_recommend="Maybe")]
    path = _csv(tmp_path / "range.csv", rows)
    submission = submit_survey(path, "AG001", "test", "fr")
    assert submission.upload.status == "rejected"
    named = {(p.row, p.column) for p in submission.outcome.report.errors}
    assert {(2, "welcomed"), (3, "helped"), (4, "would_recommend")} <= named


def test_another_agencys_rows_and_mixed_periods_are_refused(tmp_path):
    rows = [_row(1), _row(2, agency="AG002"), _row(3, period="2025Q1")]
    path = _csv(tmp_path / "mixed.csv", rows)
    for submission in _rejected(tmp_path, path, "survey_agency_other", {3}, "agency_cd"):
        mixed = [p for p in submission.outcome.report.problems if p.rule == "survey_mixed"]
        assert [(p.row, p.column, p.value) for p in mixed] == [(4, "period", "2025Q1")]


def test_a_workbook_with_a_free_text_column_is_refused_too(tmp_path):
    contract = survey_contract()
    path = tmp_path / "survey.xlsx"
    write_workbook(path, contract, {"Responses": [list(_row(n).values()) for n in (1, 2)]}, "EXIT")
    assert submit_survey(path, "AG001", "test").upload.status == "accepted"
    # A workbook with a column the contract does not list, on the header rows a workbook has.
    import xlsxwriter

    book = xlsxwriter.Workbook(str(tmp_path / "notes.xlsx"))
    sheet = book.add_worksheet("Réponses")
    sheet.write_row(0, 0, ["EXIT"])
    sheet.write_row(1, 0, [*HEADER, "notes"])
    sheet.write_row(2, 0, [*(c.label_fr for c in contract.sheet("Responses").columns), "Notes"])
    sheet.write_row(3, 0, [*_row(1).values(), ""])
    sheet.write_row(4, 0, [*_row(2).values(), "called her at home"])
    book.close()
    _rejected(tmp_path, tmp_path / "notes.xlsx", "survey_free_text", {5}, "notes")


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_bytes(b"x" * (survey_contract().limits.file_bytes + 1))
    submission = submit_survey(path, "AG001", "test")
    assert submission.upload.status == "rejected"
    assert [p.rule for p in submission.outcome.report.errors] == ["over_limit"]


def _current_rows() -> list[tuple]:
    with duckdb.connect(str(config.warehouse_path())) as con:
        load_pending(con)
        return con.execute(
            "select upload_id, response_id, welcomed from raw.survey_responses order by response_id"
        ).fetchall()


def test_a_corrected_file_supersedes_the_old_which_stays_in_history(tmp_path):
    first = submit_survey(_good(tmp_path), "AG001", "test")
    assert {r[0] for r in _current_rows()} == {first.upload.upload_id}
    corrected = submit_survey(_good(tmp_path, "AG001_EXIT_2025Q2_v2.csv", welcomed="2"), "AG001", "test")
    assert corrected.accepted and not corrected.duplicate
    rows = _current_rows()
    assert {r[0] for r in rows} == {corrected.upload.upload_id} and rows[0][2] == "2"
    with control.connect() as con:
        old = control.get_upload(con, first.upload.upload_id)
        assert (old.status, old.superseded_by) == ("superseded", corrected.upload.upload_id)
    # Another survey, or another period, of the same agency is not replaced by it.
    other = submit_survey(_csv(tmp_path / "q1.csv", [_row(9, period="2025Q1")]), "AG001", "test")
    assert other.accepted
    assert {r[0] for r in _current_rows()} == {corrected.upload.upload_id, other.upload.upload_id}

    # The same bytes again: a no-op.
    again = submit_survey(tmp_path / "AG001_EXIT_2025Q2_v2.csv", "AG001", "test")
    assert again.duplicate and again.upload.upload_id == corrected.upload.upload_id
    # The first file's bytes again: checked again, and current again at the next load.
    back = submit_survey(tmp_path / "AG001_EXIT_2025Q2.csv", "AG001", "test")
    assert back.accepted and not back.duplicate and back.restored_from == first.upload.upload_id
    rows = _current_rows()
    assert {r[0] for r in rows if r[1] != "R9"} == {back.upload.upload_id} and rows[0][2] == "5"


def test_the_command_line_uploads_a_survey_and_says_why_one_is_rejected(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["survey", "upload", str(_good(tmp_path)), "--agency", "AG001"])
    assert result.exit_code == 0, result.output
    assert "Accepted" in result.output and "EXIT 2025Q2" in result.output
    rows = [_row(1), _row(2, period="2099Q1")]
    result = runner.invoke(cli, ["survey", "upload", str(_csv(tmp_path / "bad.csv", rows)), "--agency", "AG001"])
    assert result.exit_code == 2 and "Rejected" in result.output and "row 3" in result.output


def test_every_item_is_in_the_contract_and_no_column_is_free_text():
    columns = {c.name: c for c in survey_contract().sheet("Responses").columns}
    assert set(ITEMS) <= set(columns)
    assert all(c.type != "text" or c.pattern for c in columns.values())  # every text column is a code
    assert all(c.label_fr and c.label_en for c in columns.values())


def test_a_register_made_before_survey_files_is_widened_once_and_keeps_its_rows():
    import sqlite3

    old = control.SCHEMA.replace(", 'survey'", "").replace(
        ",\n    subject       text not null default ''  -- what else keys a file: a survey file's survey id", ""
    )
    assert "'survey'" not in old and "subject" not in old.split("create table if not exists audit_log")[0]
    control.path().parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(control.path()) as con:
        con.executescript(old)
        con.execute(
            "insert into uploads (kind, agency_cd, quarter, file_name, sha256, size_bytes, received_at, received_by,"
            " status) values ('extract', 'AG001', '2025Q1', 'a.xlsx', 'ab', 1, 'now', 'me', 'loaded')"
        )
        with pytest.raises(sqlite3.IntegrityError):
            con.execute(
                "insert into uploads (kind, file_name, sha256, size_bytes, received_at, received_by, status)"
                " values ('survey', 'x', 'cd', 1, 'now', 'me', 'received')"
            )
    with control.connect() as con:
        (kept,) = control.uploads(con)
        assert (kept.kind, kept.agency_cd, kept.quarter, kept.status, kept.subject) == (
            "extract",
            "AG001",
            "2025Q1",
            "loaded",
            "",
        )
    # A survey file now registers in it, and the next upload takes the next number.
    submission = submit_survey(_csv(Path(control.path().parent) / "s.csv", [_row(1)]), "AG001", "test")
    assert submission.accepted and submission.upload.upload_id == kept.upload_id + 1


def test_accueil_uploads_restore_makes_a_superseded_survey_file_current_again(tmp_path):
    from accueil.ingest.rollback import RestoreRefused, restore

    first = submit_survey(_good(tmp_path), "AG001", "test")
    corrected = submit_survey(_good(tmp_path, "v2.csv", welcomed="1"), "AG001", "test")
    _current_rows()
    with pytest.raises(RestoreRefused):
        restore(corrected.upload.upload_id, "test")  # already the current file
    back = restore(first.upload.upload_id, "test")
    assert back.accepted and back.restored_from == first.upload.upload_id
    assert back.upload.file_name == first.upload.file_name and back.upload.subject == "EXIT"
    assert {r[2] for r in _current_rows()} == {"5"}


def test_a_survey_file_dropped_in_the_inbox_goes_through_the_door(tmp_path):
    from orchestration.build import prepare_manifest

    prepare_manifest()
    from orchestration.defs.ingest.sensors import sweep_inbox

    inbox = config.inbox_dir()
    inbox.mkdir(parents=True)
    _good(inbox, "AG001_EXIT_2025Q2.csv")
    _csv(inbox / "AG001_EXIT_2099Q1.csv", [_row(1, period="2099Q1")])
    lines = sweep_inbox()
    assert len(lines) == 2
    assert sorted(p.name for p in (inbox / "processed").iterdir()) == ["AG001_EXIT_2025Q2.csv"]
    assert sorted(p.name for p in (inbox / "rejected").iterdir()) == ["AG001_EXIT_2099Q1.csv"]
    with control.connect() as con:
        assert {(u.kind, u.agency_cd, u.subject, u.status) for u in control.uploads(con)} == {
            ("survey", "AG001", "EXIT", "accepted"),
            ("survey", "AG001", "EXIT", "rejected"),
        }


def test_the_same_rejected_file_sent_again_from_the_page_shows_its_errors_again(tmp_path):
    """A no-op for the register (nothing validated again), but the agency sees why it was refused,
    in the language it reads now, rule by rule as the first time."""
    from accueil.access import Viewer
    from accueil.ingest.survey_web import submit_survey as from_the_page

    rows = [_row(1, KEY_A), _row(2), _row(3)]
    rows[0]["comments"] = "Marie Tremblay was very kind"
    data = _csv(tmp_path / "AG001_EXIT_2025Q2.csv", rows, ["comments"]).read_bytes()
    clerk = Viewer("ana", "agency", "AG001")
    first = from_the_page(clerk, data, "AG001_EXIT_2025Q2.csv", "AG001", "en")
    again = from_the_page(clerk, data, "AG001_EXIT_2025Q2.csv", "AG001", "fr")
    assert (first.status, first.duplicate, again.status, again.duplicate) == ("rejected", False, "rejected", True)
    assert again.upload_id == first.upload_id
    assert len(again.problems) == len(first.problems) > 0
    assert list(again.problems["row"]) == list(first.problems["row"]) == [2]
    assert set(again.problems["column"]) == {"comments"}
    # In French the second time: the same rule's French words, not the English ones.
    assert not set(again.problems["problem"]) & set(first.problems["problem"])
    assert not any("Tremblay" in text for text in [*again.problems["problem"], *again.problems["fix"]])
