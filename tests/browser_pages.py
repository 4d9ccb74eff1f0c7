"""What the browser tests share: Debian's Chromium, the service's users, signing in, waiting for
Streamlit to finish a run, full-page screenshots, and the checks every page must pass (status
labels whole, no English on a French page) on a tour of every page a user is offered."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.service_process import Service

CHROMIUM = Path("/usr/bin/chromium")
VIEWPORT = {"width": 1280, "height": 900}  # the narrow laptop screen the pages must fit
REPO = Path(__file__).resolve().parents[1]
SHOTS = REPO / "docs" / "screenshots"

# Every browser test's marks: skipped where Debian's chromium is missing.
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"),
]

PASSWORD = "a browser test password"


def add_users(home: Path) -> None:
    for name, role in (
        ("root", ["admin"]),
        ("ana", ["agency", "--agency", "AG005"]),
        ("fay", ["funder"]),
        ("cam", ["council"]),
        ("hal", ["funder", "--funds", "AG002,AG005"]),
    ):
        subprocess.run(
            [sys.executable, "-m", "accueil.cli", "users", "add", name, "--role", *role],
            input=PASSWORD + "\n",
            text=True,
            env={**os.environ, "ACCUEIL_HOME": str(home)},
            check=True,
            capture_output=True,
        )


@contextmanager
def serving_a_copy(source: Path, tmp_path: Path) -> Iterator[tuple[Service, Path]]:
    """`accueil serve` on a new home holding a copy of a built home, with the users above: what a
    test does there (uploads, sign-ins, audit rows) never touches the session's home."""
    home = tmp_path / "service-home"
    shutil.copytree(
        source,
        home,
        ignore=shutil.ignore_patterns("dagster", "dbt-target", "logs", "*.lock", "cookie.secret", "inbox"),
    )
    add_users(home)
    service = Service(home, tmp_path / "serve.log")
    try:
        yield service, home
    finally:
        service.stop()


def sign_in(page, name: str) -> None:
    """On the sign-in page (/signin), which comes back to the page first asked for."""
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name="Sign in to Accueil")).to_be_visible()
    page.get_by_role("textbox", name="User name").fill(name)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    settle(page)
    expect(page.get_by_text(f"Signed in as {name}")).to_be_visible()


def go(page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    settle(page)


def settle(page, seconds: float = 180, quiet_runs: int = 3, step_ms: int = 300) -> None:
    """Wait until Streamlit has finished running the script: the app's own run state (the attribute
    Streamlit's end-to-end tests wait on) 'notRunning' and no element left stale by a run, on
    `quiet_runs` checks in a row, `step_ms` apart (a rerun asked for by a click shows nothing until
    the server starts it)."""
    page.wait_for_load_state("networkidle")
    quiet, waited = 0, 0.0
    while quiet < quiet_runs:
        quiet = quiet + 1 if page.evaluate(RUN_OVER) else 0
        page.wait_for_timeout(step_ms)
        waited += step_ms / 1000
        assert waited < seconds, "the page kept running"


RUN_OVER = (
    "() => { const app = document.querySelector('[data-testid=\"stApp\"]');"
    " return !!app && app.dataset.testScriptState === 'notRunning'"
    ' && !document.querySelector(\'[data-stale="true"], [data-testid="stStatusWidget"]\') }'
)


def full_screenshot(page, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its main block, so the window is made as tall as that
    block for the shot (a full-page screenshot of the window alone shows its first screen)."""
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return Math.ceil(m ? m.scrollHeight : document.body.scrollHeight) }"
    )
    page.set_viewport_size({"width": VIEWPORT["width"], "height": min(max(height, VIEWPORT["height"]), 16000)})
    page.wait_for_timeout(200)  # the charts redraw at the new size
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(VIEWPORT)


# Words of the interface that are English and not French: none may be on a French page.
ENGLISH_WORDS = {
    "the", "and", "with", "per", "of", "from", "by", "upload", "uploads", "download", "browse", "drag",
    "drop", "status", "quarter", "quarters", "rows", "agency", "agencies", "improved", "worsened",
    "baseline", "target", "signed", "nothing", "show", "chart", "period", "value", "suppressed",
    "available", "help", "files", "served", "outcome", "outcomes", "referrals", "waiting",
}  # fmt: skip
# Proper nouns and names that are the same in both languages: the sample's agency and site names,
# the iCARE workbook's sheet names, the language switch's own "English".
ALLOWED_ENGLISH = re.compile(
    r"English|CC BY|GeoNames|Crossroads|Newcomer Association|Bridges|Maple|Lakeshore|Services? \d+|Hub \d+|Society \d+"
    r"|Association \d+|Client Profile|Needs Assessment&Referrals|Info&Orien|Employment|Community Connections"
    r"|LT Course Setup|LT Client Enrol|LT Client Exit|Language Assessment|Outcome Follow-up|Site services"
    r"|[A-Za-z0-9_]+_[A-Za-z0-9_]+|\S+\.(?:xlsx|zip|csv)"
)


def english_on_a_french_page(page) -> list[str]:
    """English interface words in what the page shows: icons' ligature names left out, and the audit
    log's records, which are the log's own codes and keys (upload_rejected, upload:12, agency: AG005)."""
    text = page.evaluate(
        "() => { const out = [];"
        " for (const id of ['stMain', 'stSidebar']) {"
        '  const e = document.querySelector(`[data-testid="${id}"]`); if (!e) continue;'
        "  const copy = e.cloneNode(true);"
        "  copy.querySelectorAll('[data-testid=stIconMaterial], [translate=no], style,"
        "   table[data-table=audit_log] tbody').forEach(x => x.remove());"
        "  document.body.appendChild(copy); out.push(copy.innerText); copy.remove(); }"
        " return out.join('\\n') }"
    )
    text = ALLOWED_ENGLISH.sub(" ", text)
    # An English quarter (2025Q1) where French writes 2025 T1 counts too: one quarter format everywhere.
    quarters = set(re.findall(r"\b\d{4}Q[1-4]\b", text))
    return sorted({w for w in re.findall(r"[A-Za-z]+", text) if w.lower() in ENGLISH_WORDS} | quarters)


def assert_status_cells_whole(page) -> int:
    """Every status label is drawn whole inside the window: its cell does not clip it, and no
    table reaches past the window's right edge (so status, value, baseline and denominator show
    without scrolling sideways).  Returns how many status cells there are."""
    found = page.evaluate(
        "() => { const w = document.documentElement.clientWidth;"
        " const cells = [...document.querySelectorAll('td.accueil-status')].map(c => {"
        "  const s = c.querySelector('span') || c; const r = s.getBoundingClientRect();"
        "  const whole = s.scrollWidth <= s.clientWidth + 1 && c.scrollWidth <= c.clientWidth + 1;"
        "  return [c.innerText, whole, r.right <= w]; });"
        " const tables = [...document.querySelectorAll('table.accueil-table')].map("
        "  t => [t.dataset.table, Math.round(t.getBoundingClientRect().right), w]);"
        " return {cells, tables} }"
    )
    assert all(whole and inside for _, whole, inside in found["cells"]), found["cells"]
    assert all(right <= width + 1 for _, right, width in found["tables"]), (page.url, found["tables"])
    return len(found["cells"])


def _checked(page, slug: str, lang: str, user: str) -> int:
    """The checks every page passes; the status cells it shows."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stException")).to_have_count(0)
    if slug == "council":  # its tables come after the figures: there before their cells are read
        expect(page.locator("td.accueil-status").first).to_be_visible()
    if page.locator(".vega-embed").count():
        expect(page.locator(".vega-embed").first).to_be_visible()
    cells = assert_status_cells_whole(page)
    if lang == "fr":
        english = english_on_a_french_page(page)
        assert not english, (user, slug, english)
    return cells


def tour(browser, url: str, user: str, shots: Path) -> dict[str, int]:
    """Every page this user is offered, in English then French, at 1280 pixels: status labels whole,
    charts drawn, no English on a French page, and no request that leaves the machine (the service
    map draws from what Streamlit serves, with no tile server).
    A page that fails a check leaves a full-page screenshot in `shots`, and so does the service map
    (the README's).  Returns the status cells seen per page and language."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport=VIEWPORT)
    outside: list[str] = []

    def refuse(route, outside=outside):
        if route.request.url.startswith(url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", refuse)
    page = context.new_page()
    page.goto(f"{url}/")
    sign_in(page, user)
    seen: dict[str, int] = {}
    for lang, switch in (("en", None), ("fr", "Français")):
        if switch:
            page.get_by_text(switch).click()
            settle(page)
        nav = page.get_by_test_id("stSidebarNav").get_by_role("link")
        names = [nav.nth(i).inner_text() for i in range(nav.count())]
        for name in names:
            page.get_by_test_id("stSidebarNav").get_by_role("link", name=name).click()
            # Each page's title is its name in the navigation: once it shows, the page's run has begun,
            # and the app's run state tells when it has ended.
            expect(page.get_by_role("heading", name=name, exact=True).first).to_be_visible()
            settle(page, quiet_runs=2, step_ms=100)
            slug = urlsplit(page.url).path.strip("/") or "council"
            try:
                seen[f"{slug}-{lang}"] = _checked(page, slug, lang, user)
            except Exception:
                # What the page showed, kept with the test's files: a failure is read from it.
                full_screenshot(page, shots / f"{user}-{slug}-{lang}.png")
                raise
            if (user, slug, lang) == ("fay", "map", "en"):  # the README's service map
                full_screenshot(page, shots / f"{user}-{slug}-{lang}.png")
            if (user, slug, lang) == ("root", "help", "fr"):  # the README's: its first screen
                page.screenshot(path=str(SHOTS / "help-fr.png"))
    assert outside == [], outside
    context.close()
    return seen
