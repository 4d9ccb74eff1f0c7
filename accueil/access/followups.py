"""Open referrals and overdue follow-ups: an agency's lists of its own clients, and the days rule.

The lists are client-level: dbt builds them (marts `fct_open_referral_list` and
`fct_overdue_followup_list`, marked client-level, never in the snapshot) and the publish copies
them into the agencies' own rows (accueil/publish.py), without the clients who did not consent.
They are read here, for one agency at a time: the viewer's right to that agency's rows is
checked first (an agency user for its own, an admin for any), the agency is a bound parameter,
and the view is audited like every client-level view.  The rows name referrals and services by
the agency's own record ids, never the client.  The partnership's counts of the same lists,
every client included and under disclosure control, are the aggregate mart `fct_open_items`,
read through the named query `open_items.counts`.

How many days make a referral open is the partnership's number (default 30), kept in the
control database (`accueil followups open-days`, audited) and passed to dbt by each build; the
lists and counts carry the number they were built with, so a page can say when a new number
waits for the next build.
"""

from __future__ import annotations

import sqlite3

import duckdb
import pandas as pd

from accueil import control
from accueil.access import audit
from accueil.access.policy import Viewer
from accueil.access.snapshot import NotPublished, agency_rows_path, snapshot_info

SETTING = "referral_open_days"
DEFAULT_OPEN_DAYS = 30
MAX_OPEN_DAYS = 3650

# The lists: their table in the agencies' own rows, and the columns shown (never client_key).
LISTS = {
    "referrals": (
        "fct_open_referral_list",
        [
            "reported_quarter",
            "record_id",
            "receiving_agency_code",
            "referral_stream_code",
            "referral_date",
            "days_open",
            "open_after_days",
            "as_of_date",
        ],
        "days_open desc, reported_quarter, record_id",
    ),
    "followups": (
        "fct_overdue_followup_list",
        [
            "reported_quarter",
            "record_id",
            "first_employment_date",
            "followup_due_date",
            "days_overdue",
            "as_of_date",
        ],
        "days_overdue desc, reported_quarter, record_id",
    ),
}
SCHEMA = "marts"  # where the publish places them in the agencies' own rows


def open_days() -> tuple[int, bool]:
    """The partnership's number of days after which an unanswered referral is open, and whether
    an admin set it (False: the default)."""
    path = control.path()
    if not path.exists():
        return DEFAULT_OPEN_DAYS, False
    con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        found = con.execute("select 1 from sqlite_master where type = 'table' and name = 'partnership_settings'")
        if found.fetchone() is None:
            return DEFAULT_OPEN_DAYS, False
        row = con.execute("select value from partnership_settings where name = ?", (SETTING,)).fetchone()
    finally:
        con.close()
    return (DEFAULT_OPEN_DAYS, False) if row is None else (int(row[0]), True)


def agency_list(viewer: Viewer, kind: str, agency: str) -> pd.DataFrame:
    """One agency's open referrals (`referrals`) or overdue follow-ups (`followups`), consenting clients only."""
    if kind not in LISTS:
        raise KeyError(f"no list named {kind!r}: {sorted(LISTS)}")
    viewer.check("agency", {"agency": agency})
    table, columns, order = LISTS[kind]
    path = agency_rows_path()
    if not path.is_file():
        raise NotPublished("no agency's own rows are published yet: run `accueil build` first")
    with duckdb.connect(str(path), read_only=True) as con:
        con.execute("set enable_external_access = false")
        present = con.execute(
            "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?", [SCHEMA, table]
        ).fetchone()[0]
        if not present:  # published before these lists existed: nothing to show until the next build
            frame = pd.DataFrame(columns=columns)
        else:
            frame = con.execute(
                f"select {', '.join(columns)} from {SCHEMA}.{table} where agency_code = $agency order by {order}",
                {"agency": agency},
            ).df()
    audit.record_client_view(viewer, f"followups.{kind}", {"agency": agency}, snapshot_info().key)
    return frame
