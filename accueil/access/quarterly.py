"""Who may download the quarterly report, and in which state it is: the gate, read-only.

A quarter's report is drafted by an admin from the published snapshot, annotated by each agency
on its own section, and approved by an admin (accueil.quarterly, which writes those steps to
the control database and the audit log).  An approval covers one snapshot and the notes as they
were: a new snapshot, or a note written after it, makes it stale, and the report is a draft
again until an admin approves it anew.  A funder or the council gets the report only while its
approval holds (`check_download`); an admin always (to review it), an agency always (to read
what it annotates).  Every page and command that hands the report out goes through here.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from accueil import control
from accueil.access.policy import AccessDenied, Viewer
from accueil.access.snapshot import snapshot_info

# Who reads a report only once it is approved.
NEEDS_APPROVAL = ("funder", "council")


@dataclass(frozen=True)
class ReviewState:
    quarter: str
    drafted_by: str | None
    drafted_at: str | None
    approved_by: str | None
    approved_at: str | None
    stale: (
        str | None
    )  # why the last approval no longer holds: "snapshot" or "notes"; None when it holds or none was given

    @property
    def approved(self) -> bool:
        return self.approved_by is not None and self.stale is None

    @property
    def status(self) -> str:
        if self.approved:
            return "approved"
        if self.approved_by is not None:
            return "stale"
        return "draft" if self.drafted_by else "none"


def _register() -> sqlite3.Connection | None:
    path = control.path()
    if not path.exists():
        return None
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30)


def _has(con: sqlite3.Connection, table: str) -> bool:
    return con.execute("select 1 from sqlite_master where type = 'table' and name = ?", (table,)).fetchone() is not None


def last_note_id(con: sqlite3.Connection, quarter: str) -> int:
    (found,) = con.execute(
        "select coalesce(max(note_id), 0) from report_notes where quarter = ?", (quarter,)
    ).fetchone()
    return int(found)


def notes(quarter: str) -> dict[str, tuple[str, str, str]]:
    """Each agency's current note on the quarter's report: agency -> (note, written_by, written_at); an
    agency whose newest note is empty has taken its note back and is not listed."""
    con = _register()
    if con is None:
        return {}
    try:
        if not _has(con, "report_notes"):
            return {}
        rows = con.execute(
            "select agency_cd, note, written_by, written_at from report_notes where note_id in"
            " (select max(note_id) from report_notes where quarter = ? group by agency_cd) order by agency_cd",
            (quarter,),
        ).fetchall()
    finally:
        con.close()
    return {agency: (note, by, at) for agency, note, by, at in rows if note.strip()}


def review_state(quarter: str) -> ReviewState:
    con = _register()
    drafted = approved = None
    last = 0
    try:
        if con is not None and _has(con, "report_reviews"):
            drafted = con.execute(
                "select actor, at from report_reviews where quarter = ? and action = 'drafted'"
                " order by review_id desc limit 1",
                (quarter,),
            ).fetchone()
            approved = con.execute(
                "select actor, at, snapshot_key, last_note_id from report_reviews where quarter = ?"
                " and action = 'approved' order by review_id desc limit 1",
                (quarter,),
            ).fetchone()
            last = last_note_id(con, quarter)
    finally:
        if con is not None:
            con.close()
    stale = None
    if approved is not None:
        if approved[2] != snapshot_info().key:
            stale = "snapshot"
        elif int(approved[3]) != last:
            stale = "notes"
    return ReviewState(
        quarter,
        drafted[0] if drafted else None,
        drafted[1] if drafted else None,
        approved[0] if approved else None,
        approved[1] if approved else None,
        stale,
    )


def may_download(viewer: Viewer, quarter: str) -> bool:
    return viewer.role not in NEEDS_APPROVAL or review_state(quarter).approved


def check_download(viewer: Viewer, quarter: str) -> ReviewState:
    """The report's state, when the viewer may have it; AccessDenied (and an audit row) when not."""
    state = review_state(quarter)
    if viewer.role in NEEDS_APPROVAL and not state.approved:
        from accueil.access import audit

        why = "it was approved for an earlier snapshot or notes" if state.approved_by else "it is not approved yet"
        audit.record(viewer, "report_refused", f"report:{quarter}", reason=state.status)
        raise AccessDenied(f"{viewer.name} ({viewer.role}) may not download the {quarter} report: {why}")
    return state
