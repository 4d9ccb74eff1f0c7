"""The quarterly report's review: drafts, the agencies' notes and approvals, each with its audit row.

Kept in the control database (tables `report_notes` and `report_reviews`), each change and its
audit row in one transaction.  A draft and an approval record the snapshot they were made from
and the last note they saw: accueil.access.quarterly holds an approval only while both are
still the current ones, so a new snapshot or a new note sends the report back to draft.
"""

from __future__ import annotations

from accueil import control
from accueil.access.policy import AccessDenied, Viewer
from accueil.access.quarterly import last_note_id, review_state
from accueil.access.snapshot import snapshot_info

MAX_NOTE_CHARS = 4000


class NotReady(ValueError):
    """An approval asked for before a draft of the current data exists."""


def _record(actor: str, quarter: str, action: str) -> None:
    key = snapshot_info().key
    with control.connect() as con:
        con.execute("begin immediate")  # the step and its audit row, or neither
        try:
            last = last_note_id(con, quarter)
            con.execute(
                "insert into report_reviews (quarter, action, snapshot_key, last_note_id, actor, at)"
                " values (?, ?, ?, ?, ?, ?)",
                (quarter, action, key, last, actor, control.now()),
            )
            control.audit(con, actor, f"report_{action}", f"report:{quarter}", snapshot=key, last_note_id=last)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise


def draft(viewer: Viewer, quarter: str) -> None:
    """Record that an admin drafted the quarter's report from the current snapshot and notes."""
    viewer.check_admin("the drafting of the quarterly report")
    _record(viewer.name, quarter, "drafted")


def approve(viewer: Viewer, quarter: str) -> None:
    """An admin's approval of the quarter's report as drafted from the current snapshot and notes."""
    viewer.check_admin("the approval of the quarterly report")
    key = snapshot_info().key
    with control.connect() as con:
        row = con.execute(
            "select snapshot_key, last_note_id from report_reviews where quarter = ? and action = 'drafted'"
            " order by review_id desc limit 1",
            (quarter,),
        ).fetchone()
        current = last_note_id(con, quarter)
    if row is None or row[0] != key or int(row[1]) != current:
        raise NotReady(f"the {quarter} report has no draft of the current data and notes: write the draft first")
    _record(viewer.name, quarter, "approved")


def add_note(viewer: Viewer, quarter: str, agency: str, note: str) -> None:
    """An agency's note on its own section (an admin may write one for any agency); empty takes it back."""
    if not viewer.may_upload(agency):  # the same right: an agency acts for itself only
        raise AccessDenied(f"{viewer.name} ({viewer.role}) may not write {agency}'s note")
    text = note.strip()
    if len(text) > MAX_NOTE_CHARS:
        raise ValueError(f"a note holds at most {MAX_NOTE_CHARS} characters; this one has {len(text)}")
    with control.connect() as con:
        con.execute("begin immediate")
        try:
            con.execute(
                "insert into report_notes (quarter, agency_cd, note, written_by, written_at) values (?, ?, ?, ?, ?)",
                (quarter, agency, text, viewer.name, control.now()),
            )
            control.audit(
                con,
                viewer.name,
                "report_note_added",
                f"report:{quarter}",
                agency=agency,
                chars=len(text),
                role=viewer.role,
            )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise


__all__ = ["NotReady", "add_note", "approve", "draft", "review_state"]
