"""Every page of every role in a real browser (Debian's headless Chromium, Playwright), on a
service of its own over a copy of the session's sample: a module apart from the upload story
(tests/test_dashboards_browser.py), so that `make test` runs the two on different workers.

Each of the four roles signs in and opens every page it is offered, in English then French,
at 1280 pixels; then issue 24's partnership operations are walked through as each role.
"""

from __future__ import annotations

import shutil
import time

import pytest

from tests.browser_pages import BROWSER_MARKS, CHROMIUM, SHOTS, serving_a_copy, tour
from tests.browser_partnership import partnership_as_every_role

pytestmark = BROWSER_MARKS


@pytest.fixture
def service(sample_warehouse, tmp_path):
    with serving_a_copy(sample_warehouse[0], tmp_path) as (running, _):
        yield running


def test_every_page_of_every_role_in_both_languages(service, sample_warehouse, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    # Playwright's 5 s default is too short for a page's last charts while the other test
    # workers build warehouses on the same two cores (seen in CI).
    expect.set_options(timeout=30_000)
    # The daemon's one code server, which Dagster's daemon replaced every 60 s when it ran the
    # server itself (its RELOAD_WORKSPACE_INTERVAL; accueil/service/daemon_unit.py): the same one
    # is there after the tour, and at least 70 s later.
    started, servers = time.monotonic(), service.code_servers()
    assert len(servers) == 1, servers
    SHOTS.mkdir(parents=True, exist_ok=True)
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        # Screenshots beside the test's files; the README keeps the service map's.
        seen = {user: tour(browser, service.url, user, shots) for user in ("root", "ana", "fay", "cam")}
        # Issue 24's walk, on the sample as built: its expectations are read from the session's
        # warehouse (the service's own copy is locked by the service).
        partnership_as_every_role(browser, service.url, sample_warehouse[0])
        browser.close()
    assert all(seen[user]["council-en"] > 0 and seen[user]["council-fr"] > 0 for user in seen), seen
    assert set(seen["ana"]) == {
        f"{p}-{lg}"
        for p in ("council", "agency", "journeys", "followups", "report", "map", "help")
        for lg in ("en", "fr")
    }
    shutil.copy2(shots / "fay-map-en.png", SHOTS / "service-map.png")
    time.sleep(max(0.0, 70 - (time.monotonic() - started)))
    assert service.code_servers() == servers
