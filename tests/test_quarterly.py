"""The quarterly report: its figures equal the marts, its review (drafts, notes, approvals) is audited,
and funders and the council cannot download it before an admin approves it, or after the data or
the notes changed since.  On the session's sample warehouse; expected figures are read here from
the published snapshot with DuckDB and formatted here with plain Python.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from html.parser import HTMLParser

import pandas as pd
import pytest
from click.testing import CliRunner

from accueil import outcomes
from accueil.access import AccessDenied, Viewer
from accueil.access import quarterly as gate
from accueil.access.reader import Reader
from accueil.cli import cli
from accueil.quarterly import document, review
from tests.test_dashboards import open_page, snapshot, writable_home  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("cheap_hashes")
ADMIN = Viewer("root", "admin")
COUNCIL = Viewer("cam", "council")
FUNDER = Viewer("fay", "funder")
ANA = Viewer("ana", "agency", "AG001")


class _Rows(HTMLParser):
    """Each table row of a section: section id -> {data-key: [cell texts]}."""

    def __init__(self):
        super().__init__()
        self.sections: dict[str, dict[str, list[str]]] = {}
        self.section = self.key = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.section = attrs["id"]
            self.sections[self.section] = {}
        elif tag == "tr" and "data-key" in attrs:
            self.key = attrs["data-key"]
            self.sections[self.section][self.key] = []
        elif tag == "td" and self.key is not None:
            self.cell = []

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.sections[self.section][self.key].append("".join(self.cell))
            self.cell = None
        elif tag == "tr":
            self.key = None


def rows_of(html_text: str) -> dict[str, dict[str, list[str]]]:
    parser = _Rows()
    parser.feed(html_text)
    return parser.sections


@pytest.fixture
def home(writable_home):  # noqa: F811 (the fixture imported above)
    return writable_home


def _latest(home) -> str:
    return snapshot(home, "select max(period) as q from marts.fct_outcomes_vs_outputs where period <> 'all'")["q"][0]


def test_the_reports_figures_equal_the_marts_and_suppressed_cells_are_x(home):
    quarter = _latest(home)
    report = document.build(COUNCIL, quarter, "en", Reader())
    rows = rows_of(document.to_html(report))["outcomes"]
    marts = snapshot(
        home,
        "select * from marts.fct_outcomes_vs_outputs where period = ? and grain in ('agency', 'region')",
        quarter,
    )
    assert set(rows) == set(marts["agency_code"]) and len(rows) == 13
    hidden_cells = 0
    for r in marts.itertuples():
        cells = rows[r.agency_code]
        assert cells[1] == ("x" if r.suppressed else f"{int(r.clients_served):,}"), r.agency_code
        for i, outcome in enumerate(outcomes.headline()):  # the funders' headline columns, in their order
            flag = getattr(r, f"{outcome}_suppressed")
            rate = getattr(r, f"{outcome}_rate")
            if not pd.isna(flag) and bool(flag):
                assert cells[6 + i] == "x", (r.agency_code, outcome)
                hidden_cells += 1
            elif not pd.isna(rate):
                assert cells[6 + i] == f"{rate * 100:.1f}%", (r.agency_code, outcome)
    assert hidden_cells > 0  # the sample has suppressed rates: the check of `x` can fail
    # The indicators: one row per latest value, a suppressed one as x.
    progress = snapshot(
        home, "select indicator_code, geography_code, suppressed from marts.fct_indicator_progress where is_latest"
    )
    indicators = rows_of(document.to_html(report))["indicators"]
    assert len(indicators) == len(progress) > 0
    for r in progress.itertuples():
        if not pd.isna(r.suppressed) and bool(r.suppressed):
            assert indicators[f"{r.indicator_code}|{r.geography_code}"][3] == "x"


def test_funders_and_the_council_get_the_report_only_once_approved_and_while_it_holds(home):
    quarter = _latest(home)
    for viewer in (COUNCIL, FUNDER):
        with pytest.raises(AccessDenied, match="not approved yet"):
            gate.check_download(viewer, quarter)
    gate.check_download(ADMIN, quarter)  # to review it
    gate.check_download(ANA, quarter)  # to read what it annotates
    with pytest.raises(review.NotReady):
        review.approve(ADMIN, quarter)  # nothing drafted
    with pytest.raises(AccessDenied):
        review.draft(COUNCIL, quarter)
    review.draft(ADMIN, quarter)
    with pytest.raises(AccessDenied):
        review.approve(COUNCIL, quarter)
    review.approve(ADMIN, quarter)
    assert gate.check_download(COUNCIL, quarter).approved and gate.check_download(FUNDER, quarter).approved

    # A note after the approval: a draft again until approved anew.
    review.add_note(ANA, quarter, "AG001", "Two staff on leave in November; follow-ups resume in January.")
    with pytest.raises(AccessDenied, match="earlier snapshot or notes"):
        gate.check_download(COUNCIL, quarter)
    assert gate.review_state(quarter).stale == "notes"
    with pytest.raises(review.NotReady):
        review.approve(ADMIN, quarter)  # the draft did not have the note
    review.draft(ADMIN, quarter)
    review.approve(ADMIN, quarter)
    gate.check_download(FUNDER, quarter)

    # A new snapshot after the approval (the publish swaps a new file in): stale again.
    published = home / "published" / "warehouse.duckdb"
    fresh = published.with_name("fresh.duckdb")
    shutil.copy2(published, fresh)
    os.replace(fresh, published)
    assert gate.review_state(quarter).stale == "snapshot"
    with pytest.raises(AccessDenied):
        gate.check_download(FUNDER, quarter)

    audit = sqlite3.connect(home / "control.sqlite").execute(
        "select action, actor from audit_log where target = ? order by audit_id", (f"report:{quarter}",)
    )
    actions = [a for a, _ in audit]
    assert actions.count("report_drafted") == 2 and actions.count("report_approved") == 2
    assert "report_note_added" in actions and actions.count("report_refused") == 4


def test_an_agency_writes_its_own_note_only_and_it_is_in_its_section(home):
    quarter = _latest(home)
    with pytest.raises(AccessDenied):
        review.add_note(ANA, quarter, "AG002", "not mine")
    with pytest.raises(AccessDenied):
        review.add_note(COUNCIL, quarter, "AG001", "not mine either")
    note = '=HYPERLINK("x") <b>not bold</b> & a note'
    review.add_note(ANA, quarter, "AG001", note)
    html_text = document.to_html(document.build(COUNCIL, quarter, "fr", Reader()))
    assert "=HYPERLINK(&quot;x&quot;) &lt;b&gt;not bold&lt;/b&gt; &amp; a note" in html_text
    assert "<b>not bold</b>" not in html_text
    assert "Aucune note de cet organisme." in html_text  # the other agencies
    detail = (
        sqlite3.connect(home / "control.sqlite")
        .execute("select detail from audit_log where action = 'report_note_added'")
        .fetchone()[0]
    )
    assert json.loads(detail)["agency"] == "AG001"


def test_a_funder_bound_to_two_agencies_reads_only_theirs_and_the_totals(home):
    quarter = _latest(home)
    bound = Viewer("hal", "funder", funds=frozenset({"AG002", "AG005"}))
    sections = rows_of(document.to_html(document.build(bound, quarter, "en", Reader())))
    assert set(sections["outcomes"]) == {"AG002", "AG005", "ALL"}
    assert not sections["submissions"]  # submission status is not the funders'
    report = document.build(bound, quarter, "en", Reader())
    assert [s.key for s in report.sections if s.key.startswith("agency:")] == ["agency:AG002", "agency:AG005"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_command_writes_the_report_as_html_and_pdf(home, tmp_path, lang):
    quarter = _latest(home)
    result = CliRunner().invoke(cli, ["report", "--quarter", quarter, "--lang", lang, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    html_text = (tmp_path / f"report_{quarter}_{lang}.html").read_text(encoding="utf-8")
    assert ("Rapport trimestriel" if lang == "fr" else "Quarterly report") in html_text
    pdf = (tmp_path / f"report_{quarter}_{lang}.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 5000
    assert gate.review_state(quarter).status == "draft"
    assert CliRunner().invoke(cli, ["report", "approve", quarter]).exit_code == 0
    assert "approved" in CliRunner().invoke(cli, ["report", "status", quarter]).output


def test_the_page_refuses_the_funder_until_the_admin_approves(home):
    quarter = _latest(home)
    at = open_page("report", user="fay")
    assert any("not approved yet" in w.value for w in at.warning)
    assert not at.get("download_button")
    admin = open_page("report", user="root")
    admin.button(key="r_draft").click().run()
    admin.button(key="r_approve").click().run()
    assert not admin.exception
    assert gate.review_state(quarter).approved
    at = open_page("report", user="fay")
    assert not at.warning and at.get("download_button")
