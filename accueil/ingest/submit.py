"""The door: store the raw bytes, register the upload, validate, decide, report.

Used by `accueil upload`, `accueil agencies load`, the Dagster inbox sensor and the
dashboard's upload page (through accueil.ingest.web) alike.  Nothing here writes the
warehouse: an accepted file's validated rows are staged as Parquet and loaded by the
pipeline.  Reading the path itself is accueil.ingest.regular's (its NotAFile and
read_regular are still importable from here).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from accueil import config, control
from accueil.contract import Limits, agencies_contract, extract_contract
from accueil.ingest import abandoned, names
from accueil.ingest.arrow import text_table
from accueil.ingest.door import over_limit
from accueil.ingest.regular import NotAFile, open_regular, read_at_most, read_regular  # noqa: F401
from accueil.ingest.validate import ExtractFile, Outcome, validate_agencies, validate_extracts
from accueil.quarters import Quarter
from accueil.report import LANGUAGES, Report


@dataclass
class Submission:
    upload: control.Upload
    duplicate: bool  # the very same bytes were already received for this agency and quarter
    outcome: Outcome | None  # None for a duplicate: nothing was validated again
    restored_from: int | None = None  # the earlier upload of these bytes that this one makes current again

    @property
    def accepted(self) -> bool:
        return self.upload.status in ("accepted", "loaded", "superseded")

    @property
    def report_html(self) -> Path | None:
        return Path(self.upload.report_html) if self.upload.report_html else None

    @property
    def report_csv(self) -> Path | None:
        return Path(self.upload.report_csv) if self.upload.report_csv else None


def store_raw(data: bytes) -> tuple[str, Path]:
    """Content-addressed, write-once copy of the bytes as received."""
    digest = hashlib.sha256(data).hexdigest()
    target = config.raw_dir() / digest[:2] / digest
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        partial.write_bytes(data)
        os.chmod(partial, 0o400)  # read-only, and owner-only like the whole home (accueil.filemodes)
        os.replace(partial, target)
    return digest, target


def staged_dir(upload_id: int) -> Path:
    return config.accepted_dir() / str(names.upload_id(upload_id))


def reference_agencies() -> pd.DataFrame | None:
    """The agencies of the newest accepted agency reference file, or None if there is none yet."""
    with control.connect() as con:
        rows = [u for u in control.uploads(con, kind="agencies") if u.status in ("accepted", "loaded")]
    if not rows:
        return None
    return pd.read_parquet(staged_dir(rows[-1].upload_id) / "agencies.parquet")


def report_language(agency: str, requested: str | None, agencies: pd.DataFrame | None = None) -> str:
    """The language asked for, else the agency's own from the reference file (read unless given), else English."""
    if requested:
        if requested not in LANGUAGES:
            raise ValueError(f"{requested!r} is not a report language; use en or fr")
        return requested
    agencies = reference_agencies() if agencies is None else agencies
    if agencies is not None:
        match = agencies.loc[agencies["agency_cd"] == agency, "report_language_id"]
        if len(match) and match.iloc[0] == "French":
            return "fr"
    return "en"


def stage(upload_id: int, tables: dict[str, pd.DataFrame | pa.Table]) -> None:
    """An accepted upload's rows as one Parquet file per raw table, swapped into place whole: a
    frame's as its row numbers and texts (`text_table`), an Arrow table's as they are."""
    target = staged_dir(upload_id)
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    for table, rows in tables.items():
        # Buffered: Parquet's writer makes about ninety small writes a table, each a system call.
        # No column statistics: the load reads every row of every file, and writing them was a
        # fifth of the write (9.0 against 7.0 ms an extract; bench/findings.md).
        with pa.output_stream(partial / f"{table}.parquet", buffer_size=1 << 20) as out:
            table = rows if isinstance(rows, pa.Table) else text_table(rows, "row_number")
            pq.write_table(table, out, write_statistics=False)
    shutil.rmtree(target, ignore_errors=True)
    os.replace(partial, target)


def _restorable(con: sqlite3.Connection, same: control.Upload) -> bool:
    """Whether uploading `same`'s bytes again makes them current again: they were accepted once and
    another upload has replaced them, or will at the next build."""
    if same.status not in ("accepted", "loaded", "superseded"):
        return False
    now_current = control.current(con, same.kind, same.agency_cd, same.quarter)
    return now_current is None or now_current.upload_id != same.upload_id


def audit_restored(
    con: sqlite3.Connection, user: str, upload_id: int, restored: control.Upload, replaced: control.Upload | None
) -> None:
    """The audit line of an upload that makes an earlier one's file current again."""
    control.audit(
        con,
        user,
        "upload_restored",
        f"upload:{upload_id}",
        restores=restored.upload_id,
        replaces=None if replaced is None else replaced.upload_id,
        kind=restored.kind,
        agency=restored.agency_cd,
        quarter=restored.quarter,
        sha256=restored.sha256,
    )


def _receive(
    kind: str, received: Received, file_name: str, agency: str, quarter: str, user: str
) -> tuple[int, str, int | None] | Submission:
    """Register the upload: (upload id, sha256, the upload it restores or None), or the earlier
    Submission for a duplicate.

    The same bytes are checked again when their earlier check did not finish, and when they
    are an earlier version that a correction replaced: uploading them again is how a partnership
    goes back to a good file, and the rules or the reference may have changed since.
    """
    digest, size = received.sha256, received.size
    with control.connect() as con:
        same = control.find_same(con, kind, agency, quarter, digest)
        decided = same is not None and same.status != "received" and not abandoned.was_interrupted(con, same.upload_id)
        restoring = same if decided and _restorable(con, same) else None
        if decided and restoring is None:
            control.audit(
                con,
                user,
                "upload_duplicate",
                f"upload:{same.upload_id}",
                file_name=file_name,
                sha256=digest,
                status=same.status,
            )
            return Submission(same, True, None)
        cur = con.execute(
            "insert into uploads (kind, agency_cd, quarter, file_name, sha256, size_bytes, received_at, received_by,"
            " status) values (?, ?, ?, ?, ?, ?, ?, ?, 'received')",
            (kind, agency, quarter, file_name, digest, size, control.now(), user),
        )
        upload_id = cur.lastrowid
        control.audit(
            con,
            user,
            "upload_received",
            f"upload:{upload_id}",
            kind=kind,
            agency=agency,
            quarter=quarter,
            file_name=file_name,
            sha256=digest,
            size_bytes=size,
            pid=os.getpid(),  # so that an upload whose process died is found (abandoned.sweep)
        )
        if restoring is not None:
            audit_restored(con, user, upload_id, restoring, control.current(con, kind, agency, quarter))
    return upload_id, digest, None if restoring is None else restoring.upload_id


@dataclass
class Received:
    """An uploaded file's bytes, or, over the size limit, only its digest and size (nothing is kept)."""

    sha256: str
    size: int
    data: bytes | None


def _take(path: Path, limits: Limits) -> Received:
    """The file's bytes, at most the size limit and one more: a file over the limit is registered
    with the size its descriptor gives and the digest of what was read, and its bytes are not kept."""
    fd = open_regular(path)
    try:
        size = os.fstat(fd).st_size
        data = read_at_most(fd, limits.file_bytes + 1)
    finally:
        os.close(fd)
    if len(data) > limits.file_bytes:
        return Received(hashlib.sha256(data).hexdigest(), max(size, len(data)), None)
    digest, _ = store_raw(data)
    return Received(digest, len(data), data)


def _too_large(received: Received, file_name: str, agency: str, quarter: str, limits: Limits) -> Outcome:
    report = Report(file_name=file_name, agency=agency, quarter=quarter, sha256=received.sha256)
    report.problems.append(over_limit("file_bytes", received.size, limits.file_bytes))
    return Outcome(report)


def write_summary(html_path: Path, report: Report, **extra) -> None:
    """The decision's summary beside its HTML report: its counts, `extra`, and the listed problems,
    language-neutral (rule and values), so that the page shows a rejected file's errors again, in
    the reader's language, when the same file is sent again (accueil.ingest.web.decided_report)."""
    summary = {
        "accepted": report.accepted,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        **extra,
        "problems": [p.as_dict() for p in report.listed()],
    }
    html_path.with_suffix(".json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


def _conclude(
    kind: str,
    upload_id: int,
    agency: str,
    quarter: str,
    lang: str,
    outcome: Outcome,
    validation_seconds: float,
    restored_from: int | None = None,
) -> Submission:
    """Write the report, stage the accepted rows and record the decision."""
    report = outcome.report
    html_path, csv_path = names.report_paths(upload_id, kind, agency, quarter)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    report.write_html(html_path, lang)
    report.write_csv(csv_path, lang)
    write_summary(
        html_path,
        report,
        # Timings let `accueil bench` split validation into GX and the rest without re-running it.
        validation_seconds=round(validation_seconds, 4),
        read=outcome.read,  # the reading worker's wall time and peak memory
        sheets={
            r.sheet: {
                "evaluated": r.evaluated,
                "failed": r.failed,
                "cells": r.cells,
                "rows": report.rows_read.get(r.sheet, 0),
                "seconds": round(r.seconds, 4),
            }
            for r in outcome.gx
        },
    )
    contract = extract_contract() if kind == "extract" else agencies_contract()
    if report.accepted:
        stage(upload_id, outcome.staged or {sheet.table: outcome.sheets[sheet.name] for sheet in contract.sheets})
    detail = {} if restored_from is None else {"restores": restored_from}
    upload = record_decision(upload_id, report.accepted, report, html_path, csv_path, **detail)
    return Submission(upload, False, outcome, restored_from)


def _decide(kind: str, path: Path, user: str, lang: str, validate, shown: str | None = None) -> Submission:
    abandoned.sweep()
    file_name = names.file_name(shown or path.name)
    limits = agencies_contract().limits
    taken = _take(path, limits)  # NotAFile before anything is received
    received = _receive(kind, taken, file_name, "", "", user)
    if isinstance(received, Submission):
        return received
    upload_id, digest, restored_from = received
    started = time.perf_counter()
    with _interrupted_on_failure([upload_id]):
        outcome = _too_large(taken, file_name, "", "", limits) if taken.data is None else validate(taken.data, digest)
        return _conclude(kind, upload_id, "", "", lang, outcome, time.perf_counter() - started, restored_from)


@contextmanager
def _interrupted_on_failure(upload_ids: list[int]):
    """Whatever stops a check in this process (a bug, Ctrl-C) marks its uploads, with the reason, and goes on."""
    try:
        yield
    except BaseException as exc:
        reason = f"{type(exc).__name__}: {exc}"[:300]
        abandoned.interrupt(upload_ids, f"it stopped on {reason}", f"elle s'est arrêtée sur {reason}")
        raise


def record_decision(
    upload_id: int, accepted: bool, report: Report, html_path: Path, csv_path: Path, **detail
) -> control.Upload:
    """The register row and the audit line of a decided upload, in one transaction."""
    status = "accepted" if accepted else "rejected"
    with control.connect() as con:
        con.execute(
            "update uploads set status = ?, errors = ?, warnings = ?, report_html = ?, report_csv = ?, decided_at = ?"
            " where upload_id = ?",
            (status, len(report.errors), len(report.warnings), str(html_path), str(csv_path), control.now(), upload_id),
        )
        control.audit(
            con,
            "accueil",
            f"upload_{status}",
            f"upload:{upload_id}",
            **detail,
            errors=len(report.errors),
            warnings=len(report.warnings),
            report=str(html_path),
        )
        return control.get_upload(con, upload_id)


def submit_extract(
    path: Path, agency: str, quarter: Quarter, user: str, lang: str | None = None, file_name: str | None = None
) -> Submission:
    """`file_name`: the name to register, when it is not the path's own (a restored upload's)."""
    return submit_extracts([(path, agency, quarter)], user, lang, None if file_name is None else [file_name])[0]


def submit_extracts(
    items: list[tuple[Path, str, Quarter]], user: str, lang: str | None = None, file_names: list[str] | None = None
) -> list[Submission]:
    """Extracts (path, agency, quarter) through the door, validated together.

    Each file is received, decided and reported on its own (in `lang`, else its agency's
    language); only GX's run is shared, which is most of the cost of a small file.  Every
    agency code, quarter and path is checked first: one that is not what it claims to be
    (`names.InvalidName`; `NotAFile` for a path that is not a regular file) stops the batch
    before anything is received.  A quarter outside the contract's is received and rejected
    with its report (accueil.ingest.bounds).
    """
    items = [(path, names.agency_code(agency), names.quarter(quarter)) for path, agency, quarter in items]
    for path, _, _ in items:  # a path that is not a regular file stops the batch before anything is received
        os.close(open_regular(path))
    abandoned.sweep()
    agencies = reference_agencies()
    report_language("", lang, agencies)  # a language that is not one fails before anything is received
    known = None if agencies is None else set(agencies["agency_cd"])
    backdate, limits = config.backdate_days(), extract_contract().limits
    submissions: list[Submission | None] = []
    waiting: list[tuple[int, int, int | None, ExtractFile]] = []  # (position, upload id, restored upload, file)
    received_ids: list[int] = []
    with _interrupted_on_failure(received_ids):
        for position, (path, agency, quarter) in enumerate(items):
            submissions.append(None)
            file_name = names.file_name(file_names[position] if file_names else path.name)
            taken = _take(path, limits)
            received = _receive("extract", taken, file_name, agency, str(quarter), user)
            if isinstance(received, Submission):
                submissions[position] = received
                continue
            upload_id, digest, restored_from = received
            received_ids.append(upload_id)
            if taken.data is None:
                outcome = _too_large(taken, file_name, agency, str(quarter), limits)
                language = report_language(agency, lang, agencies)
                submissions[position] = _conclude("extract", upload_id, agency, str(quarter), language, outcome, 0.0)
                continue
            item = ExtractFile(taken.data, file_name, agency, quarter, digest, backdate, known)
            waiting.append((position, upload_id, restored_from, item))
        started = time.perf_counter()
        outcomes = validate_extracts([item for *_, item in waiting])
        # One validation for the batch: each file is given an equal share of its time.
        seconds = (time.perf_counter() - started) / max(len(waiting), 1)
        for (position, upload_id, restored_from, item), outcome in zip(waiting, outcomes, strict=True):
            language = report_language(item.agency, lang, agencies)
            submissions[position] = _conclude(
                "extract", upload_id, item.agency, str(item.quarter), language, outcome, seconds, restored_from
            )
    return submissions


def submit_agencies(path: Path, user: str, lang: str | None = None, file_name: str | None = None) -> Submission:
    """`file_name`: the name to register, when it is not the path's own (a restored upload's)."""

    def validate(data: bytes, digest: str) -> Outcome:
        return validate_agencies(data, file_name=names.file_name(file_name or path.name), sha256=digest)

    return _decide("agencies", path, user, lang or "en", validate, file_name)
