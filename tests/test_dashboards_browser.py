"""The dashboards in a real browser: Debian's headless Chromium driven by Playwright.

The sign-in form is filled in, each page is opened from the navigation, the agency page
takes a good and a bad extract, the language is switched, and a screenshot of each page
is saved for the README (docs/screenshots/).  A second browser signs in as an agency user
and finds only that agency's pages.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.workbooks import read_rows, set_cell, write_rows

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[1]
SHOTS = REPO / "docs" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"),
]


@pytest.fixture
def server(sample_warehouse, tmp_path):
    """`accueil dashboard` on a copy of the sample snapshot and register, so uploads do not touch the session's."""
    source, home = sample_warehouse[0], tmp_path / "browser-home"
    shutil.copytree(source / "published", home / "published")
    shutil.copy2(source / "control.sqlite", home / "control.sqlite")
    with sqlite3.connect(home / "control.sqlite") as con:
        (reference,) = con.execute("select max(upload_id) from uploads where kind = 'agencies'").fetchone()
    shutil.copytree(source / "accepted" / str(reference), home / "accepted" / str(reference))
    _add_users(home)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ACCUEIL_HOME": str(home), "GX_ANALYTICS_ENABLED": "false"}
    process = subprocess.Popen(
        [sys.executable, "-m", "accueil.cli", "dashboard", "--port", str(port), "--host", "127.0.0.1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("the dashboard did not start")
    yield url, home
    os.killpg(process.pid, 15)
    process.wait(timeout=30)


PASSWORD = "a browser test password"


def _add_users(home: Path) -> None:
    for name, role in (("root", ["admin"]), ("ana", ["agency", "--agency", "AG005"])):
        subprocess.run(
            [sys.executable, "-m", "accueil.cli", "users", "add", name, "--role", *role],
            input=PASSWORD + "\n",
            text=True,
            env={**os.environ, "ACCUEIL_HOME": str(home)},
            check=True,
            capture_output=True,
        )


def _sign_in(page, name: str) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name="Sign in to Accueil")).to_be_visible()
    page.get_by_role("textbox", name="User name").fill(name)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    _settle(page)
    expect(page.get_by_text(f"Signed in as {name}")).to_be_visible()


def _go(page, title: str) -> None:
    # From the navigation, not the address bar: a new address is a new session, which signs in again.
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    _settle(page)


def _settle(page) -> None:
    """Wait until Streamlit has finished running the script (no spinner, no 'running' status)."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)
    page.wait_for_timeout(500)


def test_every_page_in_chromium(server, sample_region, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url, home = server
    region, _ = sample_region
    rows = read_rows(region / "AG005_2025Q4.xlsx")
    good = write_rows(tmp_path / "AG005_2025Q4.xlsx", rows)
    set_cell(rows, "Client Profile", "postal_fsa", 0, "L2R 3M4")
    (tmp_path / "bad").mkdir()
    bad = write_rows(tmp_path / "bad" / "AG005_2025Q4.xlsx", rows)
    SHOTS.mkdir(parents=True, exist_ok=True)

    # Playwright's 5 s default is too short for a page's last charts while the other test
    # worker is building a warehouse on the same two cores (seen in CI).
    expect.set_options(timeout=30_000)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})

        page.goto(f"{url}/")  # the default page lives at the root; /council would say "Page not found"
        _settle(page)
        page.screenshot(path=str(SHOTS / "signin.png"), full_page=True)
        page.get_by_role("textbox", name="Password").fill("not the password")
        page.get_by_role("textbox", name="User name").fill("root")
        page.get_by_role("button", name="Sign in").click()
        _settle(page)
        expect(page.get_by_text("Wrong user name or password.")).to_be_visible()
        _sign_in(page, "root")
        expect(page.get_by_role("heading", name="Council scorecard")).to_be_visible()
        expect(page.get_by_text("Page not found")).to_have_count(0)
        page.screenshot(path=str(SHOTS / "council.png"), full_page=True)

        _go(page, "Funders: outcomes and outputs")
        expect(page.get_by_role("heading", name="Outputs and outcomes by agency")).to_be_visible()
        expect(page.get_by_text("Comparing agencies")).to_be_visible()
        page.screenshot(path=str(SHOTS / "funders.png"), full_page=True)

        _go(page, "Client journeys")
        expect(page.get_by_role("heading", name="Referral flows between agencies")).to_be_visible()
        # The whole page, not its first section: on a loaded machine the charts come in last.
        expect(page.get_by_role("heading", name="From arrival to first service")).to_be_visible()
        expect(page.locator(".js-plotly-plot").first).to_be_visible()
        page.screenshot(path=str(SHOTS / "journeys.png"), full_page=True)

        _go(page, "Agency: my quarter")
        page.get_by_test_id("stSelectbox").first.click()
        page.get_by_role("option", name="AG005").first.click()
        _settle(page)
        page.locator("input[type=file]").set_input_files(str(good))
        _settle(page)
        page.get_by_role("button", name="Validate and submit").click()
        expect(page.get_by_text(f"Accepted: {good.name} is upload")).to_be_visible(timeout=120_000)
        _settle(page)
        page.screenshot(path=str(SHOTS / "agency.png"), full_page=True)

        # The language switch, then the bad file: the report comes back in French.
        page.get_by_text("Français").click()
        _settle(page)
        expect(page.get_by_role("heading", name="Organisme : mon trimestre")).to_be_visible()
        page.locator("input[type=file]").set_input_files(str(bad))
        _settle(page)
        page.get_by_role("button", name="Valider et soumettre").click()
        expect(page.get_by_text(f"Rejeté : {bad.name} compte")).to_be_visible(timeout=120_000)
        _settle(page)
        page.screenshot(path=str(SHOTS / "agency-fr-rejected.png"), full_page=True)

        _go(page, "Bailleurs : résultats et extrants")
        expect(page.get_by_role("heading", name="Extrants et résultats par organisme")).to_be_visible()
        page.screenshot(path=str(SHOTS / "funders-fr.png"), full_page=True)

        page.get_by_text("English").click()
        _settle(page)
        _go(page, "Audit log")
        expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
        expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
        page.get_by_test_id("stSelectbox").first.click()
        page.get_by_role("option", name="upload_rejected").click()
        _settle(page)
        expect(page.get_by_text("Rows: 1", exact=True)).to_be_visible()  # the bad extract, the one rejection
        page.screenshot(path=str(SHOTS / "audit.png"), full_page=True)

        # An agency user, in a browser of their own, with a link to another agency.
        other = browser.new_page(viewport={"width": 1400, "height": 1000})
        other.goto(f"{url}/agency?agency=AG002")
        _settle(other)
        _sign_in(other, "ana")
        nav = other.get_by_test_id("stSidebarNav")
        expect(nav.get_by_role("link")).to_have_count(3)
        expect(nav.get_by_role("link", name="Funders: outcomes and outputs")).to_have_count(0)
        _go(other, "Agency: my quarter")
        expect(other.get_by_text("AG005 — ").first).to_be_visible()
        expect(other.get_by_role("option", name="AG002")).to_have_count(0)
        other.get_by_role("button", name="Sign out").click()
        _settle(other)
        expect(other.get_by_role("heading", name="Sign in to Accueil")).to_be_visible()
        browser.close()

    with sqlite3.connect(home / "control.sqlite") as con:
        statuses = sorted(s for (s,) in con.execute("select status from uploads where agency_cd = 'AG005'"))
    assert "accepted" in statuses and "rejected" in statuses
