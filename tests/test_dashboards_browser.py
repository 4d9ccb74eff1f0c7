"""The dashboards in a real browser: Debian's headless Chromium driven by Playwright.

The sign-in form is filled in, each page is opened from the navigation, the agency page
takes a good and a bad extract, the language is switched, and a screenshot of each page
is saved for the README (docs/screenshots/).  A second browser signs in as an agency user
and finds only that agency's pages.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from accueil.generate import GenerateOptions, generate
from accueil.quarters import Quarter
from tests.browser_pages import (
    BROWSER_MARKS,
    CHROMIUM,
    SHOTS,
    VIEWPORT,
    assert_status_cells_whole,
    english_on_a_french_page,
    full_screenshot,
    go,
    serving_a_copy,
    settle,
    sign_in,
)
from tests.raw_extracts import read_workbook
from tests.workbooks import mutate, read_rows, set_cell, write_rows

pytestmark = BROWSER_MARKS


@pytest.fixture
def service(sample_warehouse, tmp_path):
    """`accueil serve` on a copy of the built sample region, so that what the test uploads is
    published by this service alone and never touches the session's home."""
    with serving_a_copy(sample_warehouse[0], tmp_path) as (running, home):
        yield running, home, sample_warehouse[1]


HOSTILE_NAME = '<img src=x onerror="window.pwned=1"> *Crossroads* [5](javascript:alert(1))'


def _hostile_name(rows) -> None:
    codes = rows["Agencies"][1].index("agency_cd")
    (index,) = [i for i, row in enumerate(rows["Agencies"][3:]) if row[codes] == "AG005"]
    set_cell(rows, "Agencies", "agency_name", index, HOSTILE_NAME)


def _next_quarter(tmp_path: Path) -> Path:
    """AG005's extract for 2026Q1, the quarter after the sample's last: generated for this test."""
    out = tmp_path / "next-quarter"
    generate(GenerateOptions(out=out, quarters=1, clients=1500, start=Quarter.parse("2026Q1")))
    return out / "AG005_2026Q1.xlsx"


def _survey_with_free_text(region: Path, tmp_path: Path) -> Path:
    """The sample's AG005 survey file with a comments column: refused whole at the door."""
    source = sorted((region / "surveys").glob("AG005_EXIT_*"))[0]
    rows = pd.read_csv(source, dtype=str, keep_default_na=False) if source.suffix == ".csv" else None
    if rows is None:
        rows = pd.read_excel(source, header=1, dtype=str, engine="calamine").iloc[1:].fillna("")
    rows["comments"] = ["I liked Marie"] + [""] * (len(rows) - 1)
    target = tmp_path / "AG005_EXIT_comments.csv"
    rows.to_csv(target, index=False)
    return target


def _expected_outputs(path: Path) -> tuple[int, int]:
    """Clients served and services in the file's quarter, counted from the workbook itself."""
    from tests.test_outputs import service_records

    sheets = {name: frame.assign(agency="AG005") for name, frame in read_workbook(path).items()}
    records = service_records(sheets, {})
    records = records.loc[records["period"] == "2026Q1"]
    return records["client_key"].nunique(), len(records)


def test_the_service_in_chromium(service, sample_warehouse, tmp_path):
    """An agency clerk uploads her next quarter on the web and sees it published; funders see
    it; reloads and links keep people signed in; sign-out and expiry end the session."""
    from playwright.sync_api import expect, sync_playwright

    running, home, region = service
    url = running.url
    good = _next_quarter(tmp_path)
    rows = read_rows(good)
    set_cell(rows, "Language Assessment", "speaking_CLB_level_id", 0, "13")  # levels go from 1 to 12
    (tmp_path / "bad").mkdir()
    bad = write_rows(tmp_path / "bad" / good.name, rows)
    SHOTS.mkdir(parents=True, exist_ok=True)

    # Playwright's 5 s default is too short for a page's last charts while the other test
    # worker is building a warehouse on the same two cores (seen in CI).
    expect.set_options(timeout=30_000)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        admin = browser.new_context(viewport=VIEWPORT)
        page = admin.new_page()

        page.goto(f"{url}/")  # no session: the sign-in page, which comes back here
        expect(page).to_have_url(f"{url}/signin?next=%2F")
        page.screenshot(path=str(SHOTS / "signin.png"), full_page=True)
        page.get_by_role("textbox", name="User name").fill("root")
        page.get_by_role("textbox", name="Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text("Wrong user name or password.")).to_be_visible()
        sign_in(page, "root")
        expect(page.get_by_role("heading", name="Council scorecard")).to_be_visible()
        expect(page.locator("table.accueil-table").first).to_be_visible()
        settle(page)
        expect(page.get_by_text("Page not found")).to_have_count(0)
        # Client voice, needs met and francophones served in French (issue 20)
        expect(page.get_by_role("heading", name="Client voice and needs met")).to_be_visible()
        expect(page.get_by_role("heading", name="Francophone clients")).to_be_visible()
        # Client feedback (issue 20): the region's answers to the sample's survey files.
        expect(page.get_by_role("heading", name="Client feedback")).to_be_visible()
        expect(page.get_by_text("All questions (All agencies, ")).to_be_visible()
        assert assert_status_cells_whole(page) > 0
        full_screenshot(page, SHOTS / "council.png")

        go(page, "Client journeys")
        expect(page.get_by_role("heading", name="Referral flows between agencies")).to_be_visible()
        # The whole page, not its first section: on a loaded machine the charts come in last.
        expect(page.get_by_role("heading", name="From arrival to first service")).to_be_visible()
        expect(page.locator(".js-plotly-plot").first).to_be_visible()
        full_screenshot(page, SHOTS / "journeys.png")

        # A reload, and a typed link in French, keep the session (the cookie, not the tab's state).
        page.reload()
        settle(page)
        expect(page.get_by_role("heading", name="Referral flows between agencies")).to_be_visible()
        expect(page.get_by_text("Signed in as root")).to_be_visible()
        page.goto(f"{url}/funders?lang=fr")
        settle(page)
        expect(page.get_by_role("heading", name="Extrants et résultats par organisme")).to_be_visible()
        expect(page.get_by_text("Connecté en tant que root")).to_be_visible()
        expect(page.get_by_role("heading", name="Rétroaction de la clientèle")).to_be_visible()
        expect(page.get_by_text("« Je me suis senti·e bienvenu·e », par organisme")).to_be_visible()
        page.get_by_text("English").click()
        settle(page)

        # The agency clerk, in a browser of her own, follows a link to another agency's page.
        clerk = browser.new_context(viewport=VIEWPORT).new_page()
        clerk.goto(f"{url}/agency?agency=AG002")
        sign_in(clerk, "ana")
        # Back to the page asked for, showing her own agency whatever the link said.
        expect(clerk).to_have_url(re.compile(r"/agency\?.*agency=AG005"))
        nav = clerk.get_by_test_id("stSidebarNav")
        expect(nav.get_by_role("link")).to_have_count(7)
        expect(nav.get_by_role("link", name="Funders: outcomes and outputs")).to_have_count(0)
        expect(clerk.get_by_text("AG005 — ").first).to_be_visible()
        # Meanwhile the partnership renames her agency with markup in the name: pages must show it as text.
        renamed = mutate(region / "agencies.xlsx", tmp_path / "agencies.xlsx", _hostile_name)
        loaded = subprocess.run(
            [sys.executable, "-m", "accueil.cli", "agencies", "load", str(renamed)],
            env={**os.environ, "ACCUEIL_HOME": str(home)},
            capture_output=True,
            text=True,
        )
        assert loaded.returncode == 0, loaded.stdout
        clerk.locator("input[type=file]").first.set_input_files(str(good))
        settle(clerk)
        clerk.get_by_role("button", name="Validate and submit").click()
        expect(clerk.get_by_text(f"Accepted: {good.name} is upload")).to_be_visible(timeout=120_000)
        # While the service builds it, the page draws how far the build has got, refreshing itself.
        expect(clerk.get_by_text(re.compile(r"Building the figures: \d+ of \d+ models and tests done"))).to_be_visible(
            timeout=420_000
        )
        # Nobody types a command: the service loads, builds and publishes it, and the page says so.
        # Her new upload's line, not the previous upload's "Published on" that the page shows until
        # its rerun reaches the panel (a race seen on a loaded machine).
        expect(clerk.get_by_text(re.compile(r"\(2026 Q1\): Published\. Published on"))).to_be_visible(timeout=420_000)
        settle(clerk)
        # The new name, markup and all, is text on the page: no image, no link, no script ran.
        expect(clerk.get_by_role("heading", name=f"AG005 — {HOSTILE_NAME}")).to_be_visible()
        expect(clerk.locator('img[src="x"]')).to_have_count(0)
        expect(clerk.locator('a[href^="javascript"]')).to_have_count(0)
        assert clerk.evaluate("() => window.pwned") is None
        clerk.get_by_text("Published on").scroll_into_view_if_needed()
        full_screenshot(clerk, SHOTS / "agency.png")
        # Her figures now include the new quarter (tables are drawn on a canvas: the section's title is text).
        checked = clerk.get_by_test_id("stSelectbox").filter(has_text="Quarter checked")
        checked.click()
        clerk.keyboard.type("2026")  # the list is virtualised: its last options are not drawn yet
        clerk.keyboard.press("ArrowDown")
        clerk.keyboard.press("Enter")
        settle(clerk)
        expect(clerk.get_by_text("Completeness per field, 2026 Q1")).to_be_visible()
        expect(clerk.get_by_role("heading", name="Needs named at your assessments and not met")).to_be_visible()
        expect(clerk.get_by_role("heading", name="What your clients say")).to_be_visible()

        # The language switch, then a bad file: the report comes back in French.
        clerk.get_by_text("Français").click()
        settle(clerk)
        expect(clerk.get_by_role("heading", name="Organisme : mon trimestre")).to_be_visible()
        expect(
            clerk.get_by_role("heading", name="Besoins nommés lors de vos évaluations et non comblés")
        ).to_be_visible()
        expect(clerk.get_by_role("heading", name="Ce que disent vos clients")).to_be_visible()
        clerk.locator("input[type=file]").first.set_input_files(str(bad))
        settle(clerk)
        clerk.get_by_role("button", name="Valider et soumettre").click()
        expect(clerk.get_by_text(f"Rejeté : {bad.name} compte")).to_be_visible(timeout=120_000)
        settle(clerk)
        # The report names the column by the workbook's French label, gives every valid level (a range
        # for the numbers), and links to a help page this service serves, in French.
        report = clerk.locator("table.accueil-table").filter(has_text="Comment corriger")
        expect(report.get_by_text("NCLC – expression orale", exact=True)).to_be_visible()
        expect(report.get_by_text("S.O., Preuves insuffisantes, Pré-NCLC, 1 à 12")).to_be_visible()
        expect(report.get_by_text("docs/")).to_have_count(0)
        assert english_on_a_french_page(clerk) == []
        full_screenshot(clerk, SHOTS / "agency-fr-rejected.png")
        clerk.get_by_role("link", name="Aide : les colonnes de chaque feuille").click()
        settle(clerk)
        expect(clerk.get_by_role("heading", name="Aide : colonnes de l'extrait")).to_be_visible()
        expect(clerk.locator("table.accueil-table").filter(has_text="speaking_CLB_level_id").first).to_be_visible()
        clerk.go_back()
        settle(clerk)
        # Her clients' feedback beside the region's, and a survey file with free text, refused whole.
        expect(clerk.get_by_role("heading", name="Rétroaction de la clientèle")).to_be_visible()
        expect(clerk.get_by_text("Votre clientèle à côté de celle de la région")).to_be_visible()
        clerk.locator("input[type=file]").nth(1).set_input_files(str(_survey_with_free_text(region, tmp_path)))
        settle(clerk)
        clerk.get_by_role("button", name="Transmettre le fichier du sondage").click()
        expect(clerk.get_by_text("AG005_EXIT_comments.csv est refusé")).to_be_visible(timeout=120_000)
        settle(clerk)

        # A funder, following a bookmarked link, finds the new quarter on the funders' page,
        # chosen by default as the latest.
        funder = browser.new_context(viewport=VIEWPORT).new_page()
        funder.goto(f"{url}/funders")
        sign_in(funder, "fay")
        expect(funder.get_by_role("heading", name="Outputs and outcomes by agency")).to_be_visible()
        expect(funder.get_by_test_id("stSelectbox").first.get_by_role("combobox")).to_have_value("2026 Q1")
        expect(funder.get_by_text("Comparing agencies")).to_be_visible()
        expect(
            funder.get_by_role("heading", name="Needs met beside the services that should have met them")
        ).to_be_visible()
        settle(funder)
        full_screenshot(funder, SHOTS / "funders.png")
        # The renamed agency's programs: its name, markup and all, is the table's caption, as text.
        funder.get_by_test_id("stSelectbox").filter(has_text="Agency").click()
        funder.keyboard.type("AG005")
        funder.get_by_role("option", name=re.compile(r"^AG005 — ")).click()
        settle(funder)
        expect(funder.get_by_text(f"Programs of AG005 — {HOSTILE_NAME}")).to_be_visible()
        expect(funder.locator('img[src="x"]')).to_have_count(0)
        expect(funder.locator('a[href^="javascript"]')).to_have_count(0)
        assert funder.evaluate("() => window.pwned") is None
        funder.get_by_text("Français").click()
        settle(funder)
        expect(
            funder.get_by_role("heading", name="Besoins comblés et services qui devaient y répondre")
        ).to_be_visible()
        full_screenshot(funder, SHOTS / "funders-fr.png")

        go(page, "Audit log")
        expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
        expect(page.locator("table.accueil-table").first).to_be_visible()
        page.get_by_test_id("stSelectbox").first.click()
        page.get_by_role("option", name="upload_rejected").click()
        settle(page)
        # The two rejections: the bad extract and the survey file with free text.
        expect(page.get_by_text("Rows: 2", exact=True)).to_be_visible()
        full_screenshot(page, SHOTS / "audit.png")

        # Sign-out ends the session: the page says so, and a reload asks to sign in.
        clerk.reload()
        settle(clerk)
        clerk.get_by_role("button", name="Se déconnecter").click()
        settle(clerk)
        expect(clerk.get_by_text("Vous êtes déconnecté.")).to_be_visible()
        clerk.reload()
        expect(clerk.get_by_role("heading", name="Connexion à Accueil")).to_be_visible()

        # Expiry ends the admin's session at the next click, reload or not.
        with sqlite3.connect(home / "control.sqlite") as con:
            con.execute("update sessions set expires_at = '2000-01-01T00:00:00+00:00' where user_name = 'root'")
        go(page, "Council scorecard")
        expect(page.get_by_text("Your session has expired: please sign in again.")).to_be_visible()
        page.reload()
        expect(page.get_by_role("heading", name="Sign in to Accueil")).to_be_visible()
        browser.close()

    with sqlite3.connect(home / "control.sqlite") as con:
        statuses = sorted(s for (s,) in con.execute("select status from uploads where agency_cd = 'AG005'"))
        (published_id,) = con.execute(
            "select upload_id from uploads where agency_cd = 'AG005' and quarter = '2026Q1' and status = 'loaded'"
        ).fetchone()
    assert "rejected" in statuses
    clients, services = _expected_outputs(good)
    # What was published is the file's own figures, counted again from the workbook.
    with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as con:
        assert published_id in {r[0] for r in con.execute("select upload_id from marts.fct_extract_loads").fetchall()}
        got = con.execute(
            "select clients_served, services from marts.fct_outputs"
            " where agency_code = 'AG005' and period = '2026Q1' and program_code = 'ALL'"
        ).fetchone()
    assert got == (clients, services), (got, clients, services)
    assert pd.notna(clients) and clients > 0
