"""The upload register as readers see it, and the dashboard's door to `accueil upload`.

The register is the control database (SQLite), opened read-only here.  An upload from
a page goes through accueil.ingest.submit, exactly as the CLI does: stored, registered,
validated, reported; the page only shows the outcome.
"""

from __future__ import annotations

import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from accueil import control, publication
from accueil.access.policy import AccessDenied, Viewer
from accueil.quarters import Quarter

_HISTORY_COLUMNS = [
    "upload_id",
    "quarter",
    "file_name",
    "received_at",
    "received_by",
    "status",
    "errors",
    "warnings",
    "decided_at",
    "loaded_at",
]


def upload_history(viewer: Viewer, agency: str) -> pd.DataFrame:
    """The agency's extract uploads, newest first, each with where it stands on its way to the
    published figures (accueil.publication); empty when nothing was ever uploaded."""
    viewer.check("agency", {"agency": agency})
    path = control.path()
    if not path.exists():
        return pd.DataFrame(columns=[*_HISTORY_COLUMNS, "state", "published_at", "build_error"])
    con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        rows = con.execute(
            f"select {', '.join(_HISTORY_COLUMNS)} from uploads where kind = 'extract' and agency_cd = ?"
            " order by upload_id desc",
            (agency,),
        ).fetchall()
    finally:
        con.close()
    history = pd.DataFrame(rows, columns=_HISTORY_COLUMNS)
    shown, build, running = publication.published(), publication.latest_build(), publication.build_running()
    history["state"] = [
        publication.upload_state(u, s, d, shown, build, running)
        for u, s, d in zip(history["upload_id"], history["status"], history["decided_at"], strict=True)
    ]
    history["published_at"] = [shown.at if state == "published" else None for state in history["state"]]
    history["build_error"] = [build.error if state == "failed" and build else None for state in history["state"]]
    return history


@dataclass
class UploadResult:
    upload_id: int
    file_name: str
    status: str
    accepted: bool
    duplicate: bool
    errors: int
    warnings: int
    received_at: str
    problems: pd.DataFrame  # severity, sheet, row, column, problem, fix — in the report's language
    report_html: bytes | None


def submit_extract(viewer: Viewer, data: bytes, file_name: str, agency: str, quarter: str, lang: str) -> UploadResult:
    """Validate and register an extract through the same code path as `accueil upload`."""
    from accueil.ingest.submit import submit_extract as submit

    agency = agency.strip().upper()
    if not viewer.may_upload(agency):
        raise AccessDenied(f"{viewer.name} ({viewer.role}) may not upload for {agency}")
    period = Quarter.parse(quarter)
    # The door reads a path; the name matters (it is in the register and the report).
    with tempfile.TemporaryDirectory(prefix="accueil-upload-") as folder:
        path = Path(folder) / Path(file_name).name
        path.write_bytes(data)
        submission = submit(path, agency, period, viewer.name, lang)
    problems = []
    if submission.outcome is not None:
        for p in submission.outcome.report.listed():
            what, fix = p.text(lang)
            problems.append((p.severity, p.sheet or "", p.row, p.column or "", what, fix))
    report = submission.report_html
    upload = submission.upload
    return UploadResult(
        upload_id=upload.upload_id,
        file_name=upload.file_name,
        status=upload.status,
        accepted=submission.accepted,
        duplicate=submission.duplicate,
        errors=upload.errors,
        warnings=upload.warnings,
        received_at=upload.received_at,
        problems=pd.DataFrame(problems, columns=["severity", "sheet", "row", "column", "problem", "fix"]),
        report_html=report.read_bytes() if report and report.exists() else None,
    )
