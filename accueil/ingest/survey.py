"""The door for client feedback files: store, register, validate, report, stage.

The same door as the extracts' and the agency reference file's (accueil.ingest.submit): the
raw bytes are kept by their SHA-256, the upload is registered (kind 'survey'), the file is read
in the bounded worker under its contract's limits (accueil/contract/survey_v1.yaml), checked by
the contract's Great Expectations suite (types, the items' ranges, one row per response id) and
by the rules below, and decided whole with a bilingual report naming rows and columns.  An
accepted file's rows are staged as Parquet for the pipeline (accueil.ingest.survey_warehouse).

What only a survey file has:

* no column outside the contract: a column of answers the contract does not list is an unknown
  item; any other is refused as free text, its cells never quoted (they may identify someone);
* one survey and one period per file, and no period still to come (the contract's bound);
* an agency's file holds its own clients' answers only; a partnership-wide file (uploaded with
  no agency) names agencies of the reference file;
* a client key answers once.

A plain CSV file is read as a zip holding it as the sheet Responses, so it goes through the same
bounded reader as a workbook.  A file is keyed in the register by agency, survey (`subject`) and
period (`quarter`): a newer accepted file for the same three replaces the older at the next
build, which stays in the register as superseded; the same bytes again are a no-op, unless
they were replaced since, when they become current again (as for an extract).
"""

from __future__ import annotations

import io
import os
import time
import zipfile
from datetime import date
from pathlib import Path

from accueil import control
from accueil.contract import fold, survey_contract
from accueil.ingest import abandoned, names
from accueil.ingest.bounds import quarter_column_checks
from accueil.ingest.characters import control_characters
from accueil.ingest.expectations import run_suite
from accueil.ingest.privacy import cells_flagged, screen
from accueil.ingest.reader import read_upload
from accueil.ingest.regular import open_regular
from accueil.ingest.submit import (
    Received,
    Submission,
    _interrupted_on_failure,
    _take,
    _too_large,
    audit_restored,
    record_decision,
    reference_agencies,
    report_language,
    stage,
    write_summary,
)
from accueil.ingest.validate import Outcome, _not_yet_refused, _read_stats, _scrub, normalise
from accueil.quarters import Quarter
from accueil.report import Problem, Report, problem

KIND = "survey"
SHEET = "Responses"
TABLE = "survey_responses"
# The answers: Likert items (1-5; agreeing is 4 or 5) and yes/no items (docs/measures.md, "Client feedback").
LIKERT = ("welcomed", "understood", "own_language", "helped", "more_confident")
YES_NO = ("got_help_needed", "would_recommend", "knows_where_next")
ITEMS = LIKERT + YES_NO
_ANSWERS = {"1", "2", "3", "4", "5", "yes", "no", "oui", "non", "y", "n", "o"}


def as_readable(data: bytes) -> bytes:
    """A plain CSV as a zip of the one sheet Responses, which the bounded reader reads like any other.

    Stored, not deflated: its inflated size is its size, which the door's size limit already bounds."""
    if data.startswith(b"PK"):
        return data
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(zipfile.ZipInfo(f"{SHEET}.csv", (1980, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


def validate_survey(
    data: bytes,
    *,
    file_name: str,
    agency: str = "",
    sha256: str = "",
    known_agencies: set[str] | None = None,
    day: date | None = None,
) -> tuple[Outcome, str, str]:
    """The file's decision, and the survey and period it names (its first row's; "" if none)."""
    contract = survey_contract()
    report = Report(file_name=file_name, agency=agency, sha256=sha256)
    parsed = read_upload(as_readable(data), contract)
    # An unknown column is an error here, said by the rules below: the reader's warning would repeat it.
    report.problems += [p for p in parsed.problems if p.rule != "column_unknown"]
    found = screen(contract, parsed.grids, parsed.unknown)
    report.problems += found
    control_found = control_characters(parsed.grids)
    report.problems += _refused_columns(parsed)
    parsed.grids = []
    sheets = normalise(contract, parsed.sheets)
    results = run_suite(contract, sheets)
    for result in results:
        report.problems += result.problems
    report.problems += _not_yet_refused(control_found, report.problems)
    frame = sheets.get(SHEET)
    survey = period = ""
    if frame is not None and len(frame):
        report.problems += quarter_column_checks(contract, sheets, day)
        report.problems += _one_survey_and_period(frame)
        report.problems += _agencies(frame, agency, known_agencies)
        report.problems += _clients_once(frame)
        survey, period = frame["survey_id"].iloc[0], frame["period"].iloc[0]
    elif frame is not None and not report.errors:
        report.problems.append(problem("no_data"))
    report.problems = _scrub(report.problems, cells_flagged(found))
    report.rows_read = {name: len(f) for name, f in sheets.items()}
    report.quarter = period if _is_quarter(period) else ""
    accepted = sheets if report.accepted else {}
    return Outcome(report, accepted, results, _read_stats(parsed)), survey, period


def _is_quarter(text: str) -> bool:
    try:
        Quarter.parse(text)
    except ValueError:
        return False
    return True


def _refused_columns(parsed) -> list[Problem]:
    """One problem per filled cell of each column the contract does not list (one for the column if
    it is empty): an unknown item when every filled cell is an answer, else free text."""
    unknown = parsed.unknown.get(SHEET, [])
    frame = parsed.sheets.get(SHEET)
    grid = next((g for name, g in parsed.grids if name == SHEET), None)
    if not unknown or frame is None or grid is None:
        return []
    problems: list[Problem] = []
    items = ", ".join(ITEMS)
    taken: set[int] = set()
    for header in unknown:
        shown = names.visible(header)
        index = next(i for i, label in enumerate(grid.labels) if label == shown and i not in taken)
        taken.add(index)
        cells = {int(r): str(grid.cells[int(r) - 1, index]).strip() for r in frame.index}
        filled = {r: v for r, v in cells.items() if v}
        answers = all(fold(v) in _ANSWERS for v in filled.values())
        rule = "survey_item_unknown" if answers else "survey_free_text"
        if not filled:
            problems.append(problem(rule, sheet=SHEET, column=shown, items=items))
        problems += [problem(rule, sheet=SHEET, row=r, column=shown, items=items) for r in filled]
    return problems


def _one_survey_and_period(frame) -> list[Problem]:
    problems = []
    for column in ("survey_id", "period"):
        first = frame[column].iloc[0]
        problems += [
            problem("survey_mixed", sheet=SHEET, row=int(r), column=column, value=v, first=first)
            for r, v in frame[column].items()
            if v and v != first
        ]
    return problems


def _agencies(frame, agency: str, known: set[str] | None) -> list[Problem]:
    """An agency's file names only itself; a partnership-wide file names agencies the reference has."""
    problems = []
    for r, v in frame["agency_cd"].items():
        if not v:
            continue  # a required column: GX says so
        if agency and v != agency:
            problems.append(
                problem("survey_agency_other", sheet=SHEET, row=int(r), column="agency_cd", value=v, agency=agency)
            )
        elif known is not None and v not in known:
            problems.append(problem("agency_unknown", sheet=SHEET, row=int(r), column="agency_cd", value=v))
    return problems


def _clients_once(frame) -> list[Problem]:
    first_row: dict[str, int] = {}
    problems = []
    for r, key in frame["client_key"].items():
        if not key:
            continue
        if key in first_row:
            problems.append(
                problem("survey_client_twice", sheet=SHEET, row=int(r), column="client_key", first=first_row[key])
            )
        else:
            first_row[key] = int(r)
    return problems


# ---- the register ------------------------------------------------------------------------------


def _restorable(con, same: control.Upload) -> bool:
    if same.status not in ("accepted", "loaded", "superseded"):
        return False
    now_current = control.current(con, KIND, same.agency_cd, same.quarter, same.subject)
    return now_current is None or now_current.upload_id != same.upload_id


def _receive(received: Received, file_name: str, agency: str, user: str) -> tuple[int, int | None] | Submission:
    """Register the upload: (upload id, the upload it restores or None), or the earlier Submission of
    the same bytes for this agency (the same bytes name the same survey and period)."""
    with control.connect() as con:
        same = control._upload(
            con.execute(
                "select * from uploads where kind = ? and agency_cd = ? and sha256 = ? order by upload_id desc limit 1",
                (KIND, agency, received.sha256),
            ).fetchone()
        )
        decided = same is not None and same.status != "received" and not abandoned.was_interrupted(con, same.upload_id)
        restoring = same if decided and _restorable(con, same) else None
        if decided and restoring is None:
            control.audit(
                con, user, "upload_duplicate", f"upload:{same.upload_id}", file_name=file_name, sha256=received.sha256
            )
            return Submission(same, True, None)
        upload_id = con.execute(
            "insert into uploads (kind, agency_cd, quarter, subject, file_name, sha256, size_bytes, received_at,"
            " received_by, status) values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'received')",
            (
                KIND,
                agency,
                "" if restoring is None else restoring.quarter,
                "" if restoring is None else restoring.subject,
                file_name,
                received.sha256,
                received.size,
                control.now(),
                user,
            ),
        ).lastrowid
        control.audit(
            con,
            user,
            "upload_received",
            f"upload:{upload_id}",
            kind=KIND,
            agency=agency,
            file_name=file_name,
            sha256=received.sha256,
            size_bytes=received.size,
            pid=os.getpid(),
        )
        if restoring is not None:
            replaced = control.current(con, KIND, agency, restoring.quarter, restoring.subject)
            audit_restored(con, user, upload_id, restoring, replaced)
    return upload_id, None if restoring is None else restoring.upload_id


def submit_survey(
    path: Path, agency: str, user: str, lang: str | None = None, file_name: str | None = None
) -> Submission:
    """A client feedback file through the door, for `agency` (its own clients' answers), or with
    agency "" for a partnership-wide survey naming several agencies."""
    agency = names.agency_code(agency) if agency else ""
    os.close(open_regular(path))  # a path that is not a regular file stops before anything is received
    abandoned.sweep()
    agencies = reference_agencies()
    language = report_language(agency, lang, agencies)
    known = None if agencies is None else set(agencies["agency_cd"])
    limits = survey_contract().limits
    shown = names.file_name(file_name or path.name)
    taken = _take(path, limits)
    received = _receive(taken, shown, agency, user)
    if isinstance(received, Submission):
        return received
    upload_id, restored_from = received
    started = time.perf_counter()
    with _interrupted_on_failure([upload_id]):
        if taken.data is None:
            outcome, survey, period = _too_large(taken, shown, agency, "", limits), "", ""
        else:
            outcome, survey, period = validate_survey(
                taken.data, file_name=shown, agency=agency, sha256=taken.sha256, known_agencies=known
            )
        period = period if _is_quarter(period) else ""
        with control.connect() as con:
            con.execute(
                "update uploads set subject = ?, quarter = ? where upload_id = ?", (survey[:40], period, upload_id)
            )
        report = outcome.report
        html_path, csv_path = names.report_paths(upload_id, KIND, agency, period)
        html_path.parent.mkdir(parents=True, exist_ok=True)
        report.write_html(html_path, language)
        report.write_csv(csv_path, language)
        write_summary(html_path, report)
        if report.accepted:
            stage(upload_id, {TABLE: outcome.sheets[SHEET]})
        detail = {"survey": survey, "period": period, "seconds": round(time.perf_counter() - started, 3)}
        if restored_from is not None:
            detail["restores"] = restored_from
        upload = record_decision(upload_id, report.accepted, report, html_path, csv_path, **detail)
    return Submission(upload, False, outcome, restored_from)


def submit_survey_folder(folder: Path, user: str) -> list[Submission]:
    """Every survey file of a folder named {AGENCY}_{SURVEY}_{YYYYQn}.csv|.xlsx (the generator's), in name order."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".csv", ".xlsx"))
    return [submit_survey(path, path.name.split("_")[0], user) for path in files]
