"""A client feedback file from the dashboards' agency page: the same door as `accueil survey upload`.

As for an extract (accueil.ingest.web): the bytes the browser sent are written under their own
name to a private temporary folder and go through accueil.ingest.survey, after the viewer's
right to upload for that agency is checked with the access layer's rule.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from accueil.access.policy import AccessDenied, Viewer
from accueil.ingest.web import UploadResult, decided_report, result_of


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
    upload = submission.upload
    return result_of(submission, decided_report(submission), lang, f"{upload.subject} {upload.quarter}".strip() or None)
