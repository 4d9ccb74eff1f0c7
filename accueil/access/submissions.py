"""Submission tracking: per quarter, which agencies sent an accepted extract, which were rejected
and have not corrected it, and which sent nothing, against the quarter's due date.

Read live from the upload register (the control database, read-only), not from the published
snapshot's `fct_extract_loads`: a rejected upload never reaches the warehouse, so the snapshot
cannot tell "rejected" from "sent nothing", and an accepted one reaches it only after the next
build, so the snapshot would show a decision made a minute ago only minutes later.  The register
holds every decision the moment it is made.  The agencies are those of the newest accepted agency
reference file (its staged rows), the list the door checks uploads against.

A quarter's extracts are due `DUE_DAYS` days after it ends, unless an admin set another date
(`accueil submissions due`, kept in the control database and audited).
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta

import pandas as pd

from accueil import config, control, quarters
from accueil.access.policy import Viewer
from accueil.quarters import Quarter

DUE_DAYS = 30
STATES = ("accepted", "checking", "rejected", "missing")  # best first; `checking`: received, not decided yet
COLUMNS = [
    "agency_code",
    "agency_name",
    "quarter",
    "due_date",
    "status",
    "late",
    "upload_id",
    "received_at",
    "attempts",
    "rejected_attempts",
]


def default_quarter(day: date | None = None) -> Quarter:
    """The quarter whose extracts are awaited now: the latest one that has ended."""
    return Quarter.current(day).plus(-1)


def _register():
    path = control.path()
    if not path.exists():
        return None
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30)


def _has_table(con: sqlite3.Connection, table: str) -> bool:
    return con.execute("select 1 from sqlite_master where type = 'table' and name = ?", (table,)).fetchone() is not None


def due_dates(quarters: list[str]) -> dict[str, tuple[date, bool]]:
    """Each quarter's due date and whether an admin set it (False: the default)."""
    found: dict[str, str] = {}
    con = _register()
    if con is not None:
        try:
            if _has_table(con, "submission_due_dates"):
                found = dict(con.execute("select quarter, due_date from submission_due_dates").fetchall())
        finally:
            con.close()
    dates = {}
    for q in quarters:
        if q in found:
            dates[q] = (date.fromisoformat(found[q]), True)
        else:
            dates[q] = (Quarter.parse(q).end + timedelta(days=DUE_DAYS), False)
    return dates


def _reference(con: sqlite3.Connection | None) -> pd.DataFrame | None:
    """The agencies of the newest accepted agency reference file (code, name), or None."""
    if con is None:
        return None
    row = con.execute(
        "select max(upload_id) from uploads where kind = 'agencies' and status in ('accepted', 'loaded')"
    ).fetchone()
    if row is None or row[0] is None:
        return None
    staged = config.accepted_dir() / str(int(row[0])) / "agencies.parquet"
    if not staged.exists():
        return None
    return pd.read_parquet(staged, columns=["agency_cd", "agency_name"])


def reference_agencies() -> pd.DataFrame | None:
    """The agencies (code, name) of the newest accepted agency reference file, or None before the first."""
    con = _register()
    try:
        return _reference(con)
    finally:
        if con is not None:
            con.close()


def tracked_quarters(day: date | None = None) -> list[str]:
    """The quarters to choose from: every quarter an extract was sent for or a due date set, and the
    one awaited now, newest first."""
    found = {str(default_quarter(day))}
    con = _register()
    if con is not None:
        try:
            found |= {q for (q,) in con.execute("select distinct quarter from uploads where kind = 'extract'")}
            if _has_table(con, "submission_due_dates"):
                found |= {q for (q,) in con.execute("select quarter from submission_due_dates")}
        finally:
            con.close()
    return sorted(found, reverse=True)


def _status(uploads: pd.DataFrame) -> tuple[str, object, object]:
    """(status, the upload that decides it, when it was received) for one agency's uploads of a quarter."""
    held = uploads.loc[uploads["status"].isin(["accepted", "loaded"])]
    if len(held):  # the newest accepted one is what the warehouse holds (control.current)
        newest = held.iloc[-1]
        return "accepted", int(newest["upload_id"]), newest["received_at"]
    if len(uploads):  # the newest decides: a correction still being checked, or the last rejection
        newest = uploads.iloc[-1]
        state = {"received": "checking", "rejected": "rejected"}.get(newest["status"], "accepted")
        return state, int(newest["upload_id"]), newest["received_at"]
    return "missing", None, None


def _late(status: str, received_at, due: date, day: date) -> bool:
    if status == "accepted":
        return datetime.fromisoformat(received_at).date() > due
    return day > due


def submission_status(viewer: Viewer, quarter: str, agency: str | None = None) -> pd.DataFrame:
    """One row per agency of the reference file (or only `agency`) for `quarter`; see COLUMNS.

    Admins and the council see every agency; an agency user only its own (`agency` must be given).
    An agency that uploaded but is not in the reference file is listed too, so nothing is hidden."""
    viewer.check_submissions(agency)
    period = str(Quarter.parse(quarter))
    day = quarters.today()  # looked up at each call: tests replace it
    due, _ = due_dates([period])[period]
    con = _register()
    try:
        reference = _reference(con)
        if con is None:
            uploads = pd.DataFrame(columns=["upload_id", "agency_cd", "status", "received_at"])
        else:
            uploads = pd.read_sql_query(
                "select upload_id, agency_cd, status, received_at from uploads where kind = 'extract'"
                " and quarter = ? order by upload_id",
                con,
                params=(period,),
            )
    finally:
        if con is not None:
            con.close()
    names = {} if reference is None else dict(zip(reference["agency_cd"], reference["agency_name"], strict=True))
    codes = sorted(set(names) | set(uploads["agency_cd"]))
    if agency is not None:
        codes = [agency]
    rows = []
    for code in codes:
        mine = uploads.loc[uploads["agency_cd"] == code]
        status, upload_id, received_at = _status(mine)
        rows.append(
            {
                "agency_code": code,
                "agency_name": names.get(code, ""),
                "quarter": period,
                "due_date": due,
                "status": status,
                "late": _late(status, received_at, due, day),
                "upload_id": upload_id,
                "received_at": received_at,
                "attempts": len(mine),
                "rejected_attempts": int((mine["status"] == "rejected").sum()),
            }
        )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["upload_id"] = frame["upload_id"].astype("Int64")
    return frame
