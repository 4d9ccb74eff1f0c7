"""A client feedback file from the dashboards' agency page: the same door as `accueil survey upload`.

As for an extract (accueil.ingest.web): the bytes the browser sent are written under their own
name to a private temporary folder and go through accueil.ingest.survey, after the viewer's
right to upload for that agency is checked with the access layer's rule.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from accueil.access.policy import AccessDenied, Viewer
from accueil.ingest.web import PROBLEM_COLUMNS, UploadResult, decided_report, problem_rows


def submit_survey(viewer: Viewer, data: bytes, file_name: str, agency: str, lang: str) -> UploadResult:
    """Validate and register a survey file for `agency` through the same code path as the command line."""
    from accueil.ingest.survey import submit_survey as submit

    agency = agency.strip().upper()
    if not viewer.may_upload(agency):
        raise AccessDenied(f"{viewer.name} ({viewer.role}) may not upload for {agency}")
    with tempfile.TemporaryDirectory(prefix="accueil-survey-") as folder:
        path = Path(folder) / Path(file_name).name
        path.write_bytes(data)
        submission = submit(path, agency, viewer.name, lang)
    report = decided_report(submission)
    upload, report_path = submission.upload, submission.report_html
    return UploadResult(
        upload_id=upload.upload_id,
        file_name=upload.file_name,
        status=upload.status,
        accepted=submission.accepted,
        duplicate=submission.duplicate,
        errors=upload.errors,
        warnings=upload.warnings,
        received_at=upload.received_at,
        problems=problem_rows(report, lang) if report is not None else pd.DataFrame(columns=PROBLEM_COLUMNS),
        report_html=report_path.read_bytes() if report_path and report_path.exists() else None,
        headline=f"{upload.subject} {upload.quarter}".strip() or None,
    )
