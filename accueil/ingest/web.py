"""An upload from the dashboards' agency page: the same door as `accueil upload`.

The page hands over the bytes the browser sent; they are written under their own name to a
private temporary folder and go through accueil.ingest.submit exactly as a file named on the
command line does: stored, registered, validated, decided, reported.  The page only shows
the outcome.  Whether the viewer may upload for that agency is checked here first, with the
same rule the access layer applies to what they read (accueil.access.policy).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from accueil.access.policy import AccessDenied, Viewer
from accueil.quarters import Quarter
from accueil.report.document import Report
from accueil.report.problems import Problem

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
    headline: str | None = None  # the one sentence before any row error: uploaded as another quarter than its dates
    # The report itself (language-neutral: rules and their values), so that the page can show it
    # again in the other language after a switch, and show a rejected file's errors when it is sent again.
    report: Report | None = None

    def problems_in(self, lang: str) -> pd.DataFrame:
        return self.problems if self.report is None else problem_rows(self.report, lang)

    def headline_in(self, lang: str) -> str | None:
        return self.headline if self.report is None else self.report.headline(lang)


def problem_rows(report: Report, lang: str) -> pd.DataFrame:
    """The report's listed problems as the page shows them: each column by its workbook label."""
    rows = []
    for p in report.listed():
        what, fix = p.text(lang)
        rows.append((p.severity, p.sheet or "", p.row, p.column_label(lang) if p.column else "", what, fix))
    return pd.DataFrame(rows, columns=PROBLEM_COLUMNS)


def stored_report(upload) -> Report | None:
    """The report of an upload already decided, read back from the summary kept beside its HTML report
    (accueil.ingest.submit: its listed problems, rule by rule); None when there is none."""
    if not upload.report_html:
        return None
    summary = Path(upload.report_html).with_suffix(".json")
    if not summary.exists():
        return None
    found = json.loads(summary.read_text(encoding="utf-8")).get("problems")
    if found is None:
        return None
    return Report(file_name=upload.file_name, problems=[Problem.from_dict(p) for p in found])


def decided_report(submission) -> Report | None:
    """The report a page shows for a submission: the one just made, or, for the same rejected file
    sent again (nothing validated again), the stored one, so its errors are shown again."""
    if submission.outcome is not None:
        return submission.outcome.report
    if submission.duplicate and submission.upload.status == "rejected":
        return stored_report(submission.upload)
    return None


def propose_quarter(data: bytes, file_name: str) -> tuple[str | None, str]:
    """The quarter the page proposes for a chosen file, and where it came from ("dates", "name" or "").

    The file is read as the door reads it (in the bounded worker, accueil.ingest.reader): its
    dates win over its name, since they are what the door checks the declared quarter against."""
    from accueil.contract import extract_contract
    from accueil.ingest.covered import covered_quarter, quarter_in_name
    from accueil.ingest.reader import read_upload
    from accueil.ingest.validate import normalise

    contract = extract_contract()
    parsed = read_upload(data, contract)  # problems, never exceptions: an unreadable file has no sheets
    try:
        covered = covered_quarter(contract, normalise(contract, parsed.sheets))
    except Exception:  # a damaged file is the door's to report when it is sent; here only its name is left
        covered = None
    if covered is not None:
        return str(covered.quarter), "dates"
    named = quarter_in_name(file_name)
    return (str(named), "name") if named is not None else (None, "")


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
    report = decided_report(submission)
    headline = report.headline(lang) if report is not None else None
    return result_of(submission, report, lang, headline, keep_report=True)


def result_of(
    submission, report: Report | None, lang: str, headline: str | None, keep_report: bool = False
) -> UploadResult:
    """What a page shows of a submission (an extract's or a survey file's): its register line, the
    report's problems in `lang`, the HTML report and the door's `headline`; with `keep_report`, the
    report itself, so that the page can show it again in the other language."""
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
        headline=headline,
        report=report if keep_report else None,
    )
