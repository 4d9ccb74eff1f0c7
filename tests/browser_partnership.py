"""Issue 24 in the browser: a partnership's operations walked through as each role.

Called by tests/test_dashboards_tour.py on its running service (a copy of the sample), so that it
costs no service and no warehouse of its own: what the pages must
show is read from the session's sample warehouse (`home`), which the service does not hold.
Tables are drawn on a canvas: what they hold is read from the CSV each one hands out, as a person
would download it.
"""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import duckdb
import pandas as pd


def _download(page, button) -> str:
    """What a download button hands out, as text (Streamlit serves it from its media endpoint)."""
    with page.expect_download() as caught:
        button.click()
    return Path(caught.value.path()).read_text(encoding="utf-8-sig")


def partnership_as_every_role(browser, url: str, home: Path) -> None:
    """Issue 24's walk: who sent the quarter, the open-referral and overdue lists (an agency its own
    only, a client who did not consent absent from them and counted), a funder bound to two agencies
    seeing those two and the totals, and the quarterly report refused before an admin approves it."""
    from playwright.sync_api import expect

    from tests.browser_pages import go, settle, sign_in

    started = time.monotonic()
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        listed = con.execute(
            "select l.record_id, exists (select 1 from raw.client_profile p where p.client_key = l.client_key"
            " and p.consent_ind = 'No') as refused from marts.fct_open_referral_list l where l.agency_code = 'AG005'"
        ).df()
        (total,) = con.execute(
            "select items from marts.fct_open_items where item = 'open_referral' and agency_code = 'AG005'"
        ).fetchone()
    refused = set(listed.loc[listed["refused"], "record_id"])
    assert refused and total == len(listed)  # refused clients with open referrals: the check can fail

    def signed_in(user: str, path: str):
        page = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True).new_page()
        page.goto(f"{url}/{path}")
        sign_in(page, user)
        return page

    # The council: every agency's submission status, the counts, no list, and no unapproved report.
    cam = signed_in("cam", "submissions")
    expect(cam.get_by_role("heading", name="Submissions")).to_be_visible()
    expect(cam.get_by_test_id("stDataFrame").first).to_be_visible()
    go(cam, "Open referrals and follow-ups")
    expect(cam.get_by_role("heading", name="Counts for the partnership")).to_be_visible()
    expect(cam.get_by_role("heading", name="Lists of my clients")).to_have_count(0)
    counts = pd.read_csv(io.StringIO(_download(cam, cam.get_by_role("button", name="Download CSV").first)))
    assert counts.loc[counts["Agency"].str.startswith("AG005"), "Open referrals"].item() == total
    go(cam, "Quarterly report")
    expect(cam.get_by_text("This report is not approved yet")).to_be_visible()
    expect(cam.get_by_role("button", name="Download the report (HTML)")).to_have_count(0)
    cam.context.close()

    # The agency: its own lists, by record id, without the clients who did not consent.
    ana = signed_in("ana", "followups")
    expect(ana.get_by_role("heading", name="Lists of my clients")).to_be_visible()
    rows = pd.read_csv(io.StringIO(_download(ana, ana.get_by_role("button", name="Download CSV").nth(1))), dtype=str)
    ids = set(rows["Record id"])
    assert ids and all(i.startswith("AG005-") for i in ids)  # its own records only
    assert ids == set(listed["record_id"]) - refused and not ids & refused
    ana.context.close()

    # A funder bound to AG002 and AG005: those two and the region, and no report before approval.
    hal = signed_in("hal", "funders")
    expect(hal.get_by_role("heading", name="Outputs and outcomes by agency")).to_be_visible()
    shown = pd.read_csv(io.StringIO(_download(hal, hal.get_by_role("button", name="Download CSV").first)))
    assert sorted(a.split(" — ")[0] for a in shown["Agency"]) == ["AG002", "AG005", "All agencies"]
    go(hal, "Quarterly report")
    expect(hal.get_by_text("This report is not approved yet")).to_be_visible()
    # The admin drafts and approves it; then the funder gets it, with its two agencies only.
    root = signed_in("root", "report")
    root.get_by_role("button", name="Write the draft from the published data").click()
    settle(root)
    root.get_by_role("button", name="Approve this report").click()
    settle(root)
    expect(root.get_by_text("Approved on")).to_be_visible()
    root.context.close()
    hal.reload()
    settle(hal)
    report = _download(hal, hal.get_by_role("button", name="Download the report (HTML)"))
    sections = set(re.findall(r'<section id="agency:(AG\d+)"', report))
    assert sections == {"AG002", "AG005"}
    hal.context.close()
    # What the walk adds to the browser test (the issue asks for about a minute): shown with -rP.
    print(f"issue 24 walk: {time.monotonic() - started:.1f} s")
