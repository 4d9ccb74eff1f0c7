"""Formula-safe exports: the helper, and formula text through every CSV the project writes."""

from __future__ import annotations

import csv
import html
import io
import re
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from accueil import config, control
from accueil.cli import cli
from accueil.csv_safe import frame_to_csv, neutralise, safe_frame, writer
from accueil.generate import GenerateOptions, generate
from accueil.quarters import Quarter
from tests import workbooks as wb

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dashboards"))
import shared

HYPERLINK = '=HYPERLINK("http://x","y")'
SUM = "@SUM(1+1)*cmd|calc"
DDE = "+cmd|' /C calc'!A0"
SCRIPT = "<script>alert(1)</script>"
PAYLOADS = (HYPERLINK, SUM, DDE)
STARTS = ("=", "+", "-", "@", "\t", "\r")
# Written independently of accueil.csv_safe: what a spreadsheet reads back as a number and nothing else.
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def assert_formula_safe(text: str, *payloads: str) -> list[list[str]]:
    """No cell starts a formula, and each payload is there, neutralised, as a whole cell."""
    rows = cells(text)
    found = [cell for row in rows for cell in row]
    unsafe = [cell for cell in found if cell.startswith(STARTS) and not NUMBER.fullmatch(cell)]
    assert unsafe == [], unsafe
    for payload in payloads:
        assert "'" + payload in found, (payload, found)
    return rows


# ---- the helper -----------------------------------------------------------------------------------


@pytest.mark.parametrize("first", STARTS)
def test_each_dangerous_first_character_gets_an_apostrophe(first):
    value = f"{first}1+1|cmd"
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["ok", "1+1", " =1", "a=b", "", "'=1", "'already text", "Montréal", "été=1"])
def test_text_that_starts_no_formula_is_left_as_it_is(value):
    assert neutralise(value) == value


def test_unicode_text_is_kept_and_only_the_apostrophe_added():
    assert neutralise("=SOMME(« é »;1)") == "'=SOMME(« é »;1)"
    assert neutralise("-Île-d'Orléans") == "'-Île-d'Orléans"
    assert neutralise("语言") == "语言"


@pytest.mark.parametrize("value", [-3.5, -2, 0, True, np.float64(-3.5), np.int64(-7), Decimal("-1.25"), 1e-9])
def test_numbers_stay_numbers(value):
    assert neutralise(value) is value


@pytest.mark.parametrize("value", ["-3.5", "+1", "-1e5", "-.5", "42"])
def test_text_that_is_only_a_number_runs_nothing_and_is_left(value):
    assert neutralise(value) == value


@pytest.mark.parametrize("value", ["-1+1", "-3.5+cmd", "+1 ", "-1\n=2", "--1", "-"])
def test_text_that_only_begins_like_a_number_is_neutralised(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", [None, float("nan"), np.nan, pd.NA, pd.NaT])
def test_missing_values_stay_missing(value):
    assert neutralise(value) is value


def test_other_objects_are_judged_by_the_text_they_are_written_as():
    assert neutralise(pd.Timedelta(days=-1)) == "'-1 days +00:00:00"
    assert neutralise(pd.Timestamp("2025-01-02")) == pd.Timestamp("2025-01-02")


def test_a_frame_keeps_numeric_columns_numeric_and_neutralises_text_labels_and_index():
    frame = pd.DataFrame(
        {
            "name": [HYPERLINK, "-1+1", "fine", None],
            "rate": [-3.5, 0.25, np.nan, 1.0],
            "count": pd.array([-2, 3, None, 4], dtype="Int64"),
            "when": pd.to_datetime(["2025-01-01", None, "2025-03-01", "2025-04-01"]),
            "flag": [True, False, True, False],
            "mixed": [-3.5, SUM, 7, pd.NA],
            "=evil header": ["x", "y", "z", DDE],
        },
        index=pd.Index(["=A1", "b", "@c", "d"], name="-name"),
    )
    safe = safe_frame(frame, index=True)
    for column in ("rate", "count", "when", "flag"):
        assert safe[column].dtype == frame[column].dtype
        pd.testing.assert_series_equal(safe[column], frame[column], check_names=False, check_index=False)
    assert safe["mixed"].tolist()[:3] == [-3.5, "'" + SUM, 7]
    assert list(safe.columns)[-1] == "'=evil header" and list(safe.index) == ["'=A1", "b", "'@c", "d"]
    assert safe.index.name == "'-name"
    assert frame.loc["=A1", "name"] == HYPERLINK  # the frame given is not changed

    rows = assert_formula_safe(frame_to_csv(frame, index=True), HYPERLINK, SUM, DDE, "-1+1", "=A1", "-name")
    assert rows[1][2] == "-3.5" and rows[1][6] == "-3.5"  # negative numbers are written as numbers
    # Without the index, its labels are not written at all.
    assert "=A1" not in frame_to_csv(frame) and "'=evil header" in frame_to_csv(frame)


def test_standard_quoting_escapes_embedded_quotes_commas_and_line_breaks():
    text = frame_to_csv(pd.DataFrame({"v": [HYPERLINK, 'a,"b"\nc']}))
    assert text.splitlines()[1] == '"\'=HYPERLINK(""http://x"",""y"")"'
    assert cells(text)[1:] == [["'" + HYPERLINK], ['a,"b"\nc']]


def test_a_carriage_return_inside_a_cell_cannot_start_a_row():
    # With a bare CR unquoted, a spreadsheet (and the csv module) reads "=cmd()" as a new row's first cell.
    frame = pd.DataFrame({"v": ["x\r=cmd()", "y\n@SUM(1)"]})
    text = frame_to_csv(frame)
    assert text == 'v\r\n"x\r=cmd()"\r\n"y\n@SUM(1)"\r\n'
    assert cells(text) == [["v"], ["x\r=cmd()"], ["y\n@SUM(1)"]]
    buffer = io.StringIO()
    writer(buffer).writerow(["x\r=cmd()"])
    assert cells(buffer.getvalue()) == [["x\r=cmd()"]]


def test_duplicate_column_labels_keep_their_own_values():
    frame = pd.DataFrame([[HYPERLINK, -1.5]], columns=["x", "x"])
    assert cells(frame_to_csv(frame)) == [["x", "x"], ["'" + HYPERLINK, "-1.5"]]


def test_the_row_writer_neutralises_every_cell():
    buffer = io.StringIO()
    out = writer(buffer)
    out.writerow(["=h", 4, -3.5, None, DDE])
    out.writerows([[SUM, "\tx"], ["\rcr", "ok"]])
    assert cells(buffer.getvalue()) == [["'=h", "4", "-3.5", "", "'" + DDE], ["'" + SUM, "'\tx"], ["'\rcr", "ok"]]


# ---- every export path ------------------------------------------------------------------------------


def test_the_dashboards_download_button_hands_out_neutralised_bytes(monkeypatch):
    handed = {}
    monkeypatch.setattr(shared.st, "download_button", lambda label, data, **kwargs: handed.update(data=data))
    monkeypatch.setattr(shared, "lang", lambda: "en")
    monkeypatch.setattr(shared, "viewer", lambda: shared.access.Viewer("funder1", "funder"))
    frame = pd.DataFrame(
        {"Agency": [HYPERLINK, SUM], "Rate": [-0.5, 0.25]}, index=pd.Index([DDE, "AG002"], name="@code")
    )
    shared.download(frame, "k", index=True)
    data = handed["data"]
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheet programs need to read UTF-8 is kept
    rows = assert_formula_safe(data.decode("utf-8"), *PAYLOADS, "@code")
    assert rows[1][2] == "-0.5"


def test_the_dashboards_table_download_neutralises_what_render_table_gives_it():
    frame = pd.DataFrame({"agency_name": [HYPERLINK, SUM, DDE], "rate": [-0.1, 0.2, 0.3]})
    _, table_csv, _ = shared.render_table(frame, [shared.Col("agency_name", "common.agency")], "fr")
    assert_formula_safe(shared.csv_bytes(table_csv).decode("utf-8-sig"), *PAYLOADS)


def _publish_snapshot() -> None:
    """A tiny published snapshot holding the formula text an agency name could carry."""
    path = config.published_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.dim_agency (agency_code varchar, agency_name varchar, balance double)")
        con.executemany(
            "insert into marts.dim_agency values (?, ?, ?)",
            [("AG001", HYPERLINK, -3.5), ("AG002", SUM, 2.0), (DDE, "-1+1", None)],
        )


@pytest.mark.parametrize("fmt", ["csv", "table"])
def test_accueil_sql_writes_formula_text_neutralised(fmt):
    _publish_snapshot()
    result = CliRunner().invoke(cli, ["sql", "select * from marts.dim_agency order by 1", "--format", fmt])
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        rows = assert_formula_safe(result.output, *PAYLOADS, "-1+1")
        assert [r[2] for r in rows[1:]] == ["", "-3.5", "2.0"]  # "+cmd..." sorts first
    else:
        for payload in (*PAYLOADS, "-1+1"):
            assert "'" + payload in result.output
            assert re.search(rf"(^|\s){re.escape(payload)}", result.output, re.M) is None, payload
        assert re.search(r"\s-3\.5(\s|$)", result.output, re.M)


def test_accueil_audit_export_writes_formula_text_neutralised(tmp_path):
    with control.connect() as con:
        # A name typed at the sign-in form is recorded as it was typed.
        control.audit(con, HYPERLINK, "signin_failed", SUM, reason=DDE)
        control.audit(con, "admin", "export", DDE, rows=-1)
    runner = CliRunner()
    printed = runner.invoke(cli, ["audit", "export"])
    assert printed.exit_code == 0, printed.output
    out = tmp_path / "audit.csv"
    written = runner.invoke(cli, ["audit", "export", "--out", str(out)])
    assert written.exit_code == 0, written.output
    for text in (printed.output, out.read_bytes().decode("utf-8")):
        rows = assert_formula_safe(text, HYPERLINK, SUM, DDE)
        header = rows[0]
        detail = [r[header.index("detail")] for r in rows[1:]]
        assert DDE in detail[0] and '"rows": -1' in detail[1]  # the JSON detail itself is unchanged


def test_a_formula_typed_as_a_sign_in_name_never_reaches_the_audit_export_as_a_formula(tmp_path, cheap_hashes):
    """Typed at the sign-in form (or `accueil sql --user`): an unknown name is recorded only as a
    keyed mark, so the formula is not in the log at all; and a row from before that rule, holding
    the name as typed, is exported neutralised, by the command and by the audit page's button."""
    from accueil import auth
    from accueil.access.audit import audit_log
    from accueil.access.policy import Viewer
    from accueil.auth import users

    with control.connect() as con:
        users.add(con, "test", "fay", "funder", None, "correct horse battery")
    for typed in (HYPERLINK, SUM, DDE, "-2+3"):
        with pytest.raises(auth.SignInFailed):
            auth.viewer_for(typed, "correct horse battery")
    runner = CliRunner()
    assert runner.invoke(cli, ["sql", "select 1", "--user", HYPERLINK], env={"ACCUEIL_PASSWORD": "x"}).exit_code == 1
    out = tmp_path / "audit.csv"
    assert runner.invoke(cli, ["audit", "export", "--out", str(out)]).exit_code == 0
    rows = assert_formula_safe(out.read_bytes().decode("utf-8"))
    header = rows[0]
    actors = [r[header.index("actor")] for r in rows[1:] if r[header.index("action")] == "signin_failed"]
    assert len(actors) == 5 and all(re.fullmatch(r"unknown user #[0-9a-f]{12}", a) for a in actors), actors
    assert "HYPERLINK" not in out.read_text().upper() and "cmd" not in out.read_text()

    with control.connect() as con:  # as an older release wrote it: the name as typed
        control.audit(con, HYPERLINK.lower(), "signin_failed", f"user:{HYPERLINK.lower()}", reason="unknown user")
    assert runner.invoke(cli, ["audit", "export", "--out", str(out)]).exit_code == 0
    assert_formula_safe(out.read_bytes().decode("utf-8"), HYPERLINK.lower())
    admin = Viewer("root", "admin")
    page = audit_log(admin)  # what the audit page's Download CSV button is given
    columns = [shared.Col(c, f"audit.{c}") for c in ("actor", "action", "target", "detail")]  # as views/audit.py
    _, table_csv, _ = shared.render_table(page, columns, "en")
    assert_formula_safe(shared.csv_bytes(table_csv).decode("utf-8-sig"), HYPERLINK.lower())


@pytest.fixture(scope="module")
def tiny_region(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("csv-safe-region")
    generate(GenerateOptions(out=out, agencies=1, quarters=1, clients=50, seed=5))
    return out


def test_the_validation_report_writes_rejected_formulas_neutralised_and_escapes_html(tiny_region, tmp_path):
    from accueil.ingest.submit import submit_agencies, submit_extract

    rows = wb.read_rows(tiny_region / "AG001_2024Q1.xlsx")
    wb.set_cell(rows, "Info&Orien", "start_dttm", 0, HYPERLINK)
    wb.set_cell(rows, "Info&Orien", "orientation_length_hours_no", 0, DDE)
    wb.set_cell(rows, "Info&Orien", "orientation_service_id", 0, SUM)
    wb.set_cell(rows, "Info&Orien", "start_dttm", 1, SCRIPT)
    wb.set_cell(rows, "Info&Orien", "orientation_length_hours_no", 1, "-1+1")
    sheet = rows["Info&Orien"]
    sheet[1].append("=cmd()")  # an unknown column is named in the report as it is spelled
    sheet[2].append("label")
    bad = wb.write_rows(tmp_path / "AG001_2024Q1.xlsx", rows, as_text=True)

    assert submit_agencies(tiny_region / "agencies.xlsx", user="test").accepted
    submission = submit_extract(bad, "AG001", Quarter.parse("2024Q1"), user="test")
    assert not submission.accepted

    data = submission.report_csv.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    report = assert_formula_safe(data.decode("utf-8-sig"), *PAYLOADS, "-1+1", "=cmd()")
    assert any(r[4] == "'" + HYPERLINK and r[5] == "type_date" for r in report[1:])

    page = submission.report_html.read_text(encoding="utf-8")
    assert SCRIPT not in page and html.escape(SCRIPT) in page
    assert html.escape(HYPERLINK) in page  # the HTML report shows the value as typed, escaped
