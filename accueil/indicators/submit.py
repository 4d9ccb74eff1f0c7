"""The door for the council's indicator files: store, register, validate, report, stage.

The same door as the agencies' extracts (accueil.ingest.submit): the raw bytes are kept
by their SHA-256, the upload is registered (kind 'indicators'), the report is written in
English or French, and an accepted file's rows are staged as Parquet for the pipeline
to load.  A rejected file stages nothing, so nothing of it can ever be loaded.

The same bytes again are a no-op, but for a baselines file that a newer one replaced:
that is checked again and, accepted, becomes the council's baselines again, as for an
agency's extract.  An observations file is never replaced whole (each newer value is a
new version beside the old one), so its bytes again stay a no-op.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from accueil import config, control
from accueil.contract import extract_contract
from accueil.indicators.files import BASELINES, OBSERVATIONS, FileSpec, validate_baselines, validate_observations
from accueil.ingest.submit import (
    Submission,
    audit_restored,
    read_regular,
    record_decision,
    stage,
    staged_dir,
    store_raw,
)
from accueil.report import LANGUAGES, Report

KIND = "indicators"


@dataclass
class Outcome:
    report: Report


def staged_file(upload_id: int) -> tuple[FileSpec, Path] | None:
    """Which of the two files an accepted indicators upload is, and its staged rows."""
    for spec in (OBSERVATIONS, BASELINES):
        path = staged_dir(upload_id) / f"{spec.table}.parquet"
        if path.exists():
            return spec, path
    return None


def is_baselines(upload_id: int) -> bool:
    found = staged_file(upload_id)
    return found is not None and found[0] is BASELINES


def current_baselines(con: sqlite3.Connection) -> control.Upload | None:
    """The baselines file the warehouse holds, or will after the next build: the newest accepted
    or loaded one, since each replaces the previous whole (accueil.indicators.warehouse)."""
    found = [u for u in control.uploads(con, kind=KIND) if u.status in ("accepted", "loaded")]
    return next((u for u in reversed(found) if is_baselines(u.upload_id)), None)


def _restorable(con: sqlite3.Connection, same: control.Upload, spec: FileSpec) -> bool:
    if spec is not BASELINES or same.status not in ("accepted", "loaded", "superseded"):
        return False
    if not is_baselines(same.upload_id):
        return False
    now_current = current_baselines(con)
    return now_current is None or now_current.upload_id != same.upload_id


def _submit(path: Path, user: str, lang: str, spec: FileSpec, validate) -> Submission:
    if lang not in LANGUAGES:
        raise ValueError(f"{lang!r} is not a report language; use en or fr")
    # Outside figures are a few thousand rows; the extract door's size limit is ample.
    data = read_regular(path, extract_contract().limits.file_bytes)
    digest, _ = store_raw(data)
    with control.connect() as con:
        same = control.find_same(con, KIND, "", "", digest)
        restoring = same if same is not None and _restorable(con, same, spec) else None
        if same is not None and same.status != "received" and restoring is None:
            control.audit(con, user, "upload_duplicate", f"upload:{same.upload_id}", file_name=path.name, sha256=digest)
            return Submission(same, True, None)
        cur = con.execute(
            "insert into uploads (kind, file_name, sha256, size_bytes, received_at, received_by, status)"
            " values (?, ?, ?, ?, ?, ?, 'received')",
            (KIND, path.name, digest, len(data), control.now(), user),
        )
        upload_id = cur.lastrowid
        control.audit(
            con,
            user,
            "upload_received",
            f"upload:{upload_id}",
            kind=KIND,
            file=spec.kind,
            file_name=path.name,
            sha256=digest,
            size_bytes=len(data),
        )
        if restoring is not None:
            audit_restored(con, user, upload_id, restoring, current_baselines(con))
    report, rows = validate(data, path.name, digest)
    config.reports_dir().mkdir(parents=True, exist_ok=True)
    stem = f"{upload_id:06d}_{KIND}_{spec.kind}"
    html_path, csv_path = config.reports_dir() / f"{stem}.html", config.reports_dir() / f"{stem}.csv"
    report.write_html(html_path, lang)
    report.write_csv(csv_path, lang)
    if rows is not None:
        stage(upload_id, {spec.table: rows})
    restores = {} if restoring is None else {"restores": restoring.upload_id}
    upload = record_decision(upload_id, rows is not None, report, html_path, csv_path, file=spec.kind, **restores)
    return Submission(upload, False, Outcome(report), None if restoring is None else restoring.upload_id)


def submit_observations(path: Path, user: str, lang: str = "en") -> Submission:
    return _submit(path, user, lang, OBSERVATIONS, validate_observations)


def submit_baselines(path: Path, user: str, lang: str = "en") -> Submission:
    return _submit(path, user, lang, BASELINES, validate_baselines)
