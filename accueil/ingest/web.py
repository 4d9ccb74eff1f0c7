"""An upload from the dashboards' agency page: the same door as `accueil upload`.

The page hands over the bytes the browser sent; they are written under their own name to a
private temporary folder and go through accueil.ingest.submit exactly as a file named on the
command line does: stored, registered, validated, decided, reported.  The page only shows
the outcome.  Whether the viewer may upload for that agency is checked here first, with the
same rule the access layer applies to what they read (accueil.access.policy).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from accueil.access.policy import AccessDenied, Viewer
from accueil.quarters import Quarter

PROBLEM_COLUMNS = ["severity", "sheet", "row", "column", "problem", "fix"]


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
    # Validation brings in the reading and checking code: loaded when a file is submitted, not with the page.
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
        problems=pd.DataFrame(problems, columns=PROBLEM_COLUMNS),
        report_html=report.read_bytes() if report and report.exists() else None,
    )
