"""Uploads whose check did not finish: marked rejected, with the reason, never left `received`.

An upload is `received` from the moment its bytes are registered until it is decided.  If
the process checking it dies (killed, out of memory, the machine restarted), the row would
stay `received` for ever.  The status is 'rejected', with one error and a report saying the
check did not finish, rather than a status of its own: for the register, the dashboards and
the pipeline, rejected already means "decided, nothing from it loaded, send a file", and a
new status would mean rebuilding the register's CHECK constraint in every home.  What sets
it apart is its audit line, `upload_interrupted`: the same bytes uploaded again are then
checked again instead of being answered "already received".

Each upload's receiving process is in its `upload_received` audit line; an upload is marked
at the next submission, `accueil serve` or build once it is older than a few minutes and its
process is gone (or unknown: uploads received before the process was recorded).
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, datetime, timedelta

from accueil import control
from accueil.ingest.names import report_paths
from accueil.report import Report, problem

ABANDONED_AFTER = timedelta(minutes=3)
KILLED = ("its process stopped before it finished (killed or crashed)", "son processus s'est arrêté avant la fin")


def sweep() -> list[int]:
    """Mark every upload abandoned by a process that is gone; the ids marked."""
    cutoff = (datetime.now(UTC) - ABANDONED_AFTER).isoformat(timespec="seconds")
    with control.connect() as con:
        rows = con.execute(
            "select u.upload_id, a.detail from uploads u left join audit_log a"
            " on a.target = 'upload:' || u.upload_id and a.action = 'upload_received'"
            " where u.status = 'received' and u.received_at < ?",
            (cutoff,),
        ).fetchall()
    gone = [upload_id for upload_id, detail in rows if not _alive(json.loads(detail or "{}").get("pid"))]
    return interrupt(gone, *KILLED) if gone else []


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def interrupt(upload_ids: list[int], reason: str, reason_fr: str) -> list[int]:
    """Mark these uploads rejected because their check did not finish; those that were still `received`."""
    from accueil.ingest.submit import report_language  # submit calls this module: imported when needed

    marked = []
    for upload_id in upload_ids:
        with control.connect() as con:
            upload = control.get_upload(con, upload_id)
        if upload is None or upload.status != "received":
            continue
        report = Report(upload.file_name, upload.agency_cd, upload.quarter, upload.sha256)
        report.problems.append(problem("check_interrupted", reason=reason, reason_fr=reason_fr))
        html_path, csv_path = report_paths(upload.upload_id, upload.kind, upload.agency_cd, upload.quarter)
        html_path.parent.mkdir(parents=True, exist_ok=True)
        lang = report_language(upload.agency_cd, None) if upload.agency_cd else "en"
        report.write_html(html_path, lang)
        report.write_csv(csv_path, lang)
        with control.connect() as con:
            if _mark(con, upload_id, html_path, csv_path, reason):
                marked.append(upload_id)
    return marked


def _mark(con: sqlite3.Connection, upload_id: int, html_path, csv_path, reason: str) -> bool:
    """The register row and its audit line, unless another process decided the upload meanwhile."""
    con.execute("begin immediate")
    try:
        changed = con.execute(
            "update uploads set status = 'rejected', errors = 1, warnings = 0, report_html = ?, report_csv = ?,"
            " decided_at = ? where upload_id = ? and status = 'received'",
            (str(html_path), str(csv_path), control.now(), upload_id),
        ).rowcount
        if changed:
            control.audit(con, "accueil", "upload_interrupted", f"upload:{upload_id}", reason=reason, errors=1)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return bool(changed)


def was_interrupted(con: sqlite3.Connection, upload_id: int) -> bool:
    found = con.execute(
        "select 1 from audit_log where action = 'upload_interrupted' and target = ? limit 1", (f"upload:{upload_id}",)
    )
    return found.fetchone() is not None


def home_ready() -> None:
    """For `accueil serve` and builds: nothing left `received` by a process that is gone."""
    if control.path().exists():
        sweep()
