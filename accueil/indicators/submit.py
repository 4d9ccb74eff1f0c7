"""The door for the council's indicator files: store, register, validate, report, stage.

The same door as the agencies' extracts (accueil.ingest.submit): the raw bytes are kept
by their SHA-256, the upload is registered (kind 'indicators'), the report is written in
English or French, and an accepted file's rows are staged as Parquet for the pipeline
to load.  A rejected file stages nothing, so nothing of it can ever be loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from accueil import config, control
from accueil.indicators.files import BASELINES, OBSERVATIONS, FileSpec, validate_baselines, validate_observations
from accueil.ingest.submit import Submission, record_decision, stage, staged_dir, store_raw
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


def _submit(path: Path, user: str, lang: str, spec: FileSpec, validate) -> Submission:
    if lang not in LANGUAGES:
        raise ValueError(f"{lang!r} is not a report language; use en or fr")
    data = path.read_bytes()
    digest, _ = store_raw(data)
    with control.connect() as con:
        same = control.find_same(con, KIND, "", "", digest)
        if same is not None and same.status != "received":
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
    report, rows = validate(data, path.name, digest)
    config.reports_dir().mkdir(parents=True, exist_ok=True)
    stem = f"{upload_id:06d}_{KIND}_{spec.kind}"
    html_path, csv_path = config.reports_dir() / f"{stem}.html", config.reports_dir() / f"{stem}.csv"
    report.write_html(html_path, lang)
    report.write_csv(csv_path, lang)
    if rows is not None:
        stage(upload_id, {spec.table: rows})
    upload = record_decision(upload_id, rows is not None, report, html_path, csv_path, file=spec.kind)
    return Submission(upload, False, Outcome(report))


def submit_observations(path: Path, user: str, lang: str = "en") -> Submission:
    return _submit(path, user, lang, OBSERVATIONS, validate_observations)


def submit_baselines(path: Path, user: str, lang: str = "en") -> Submission:
    return _submit(path, user, lang, BASELINES, validate_baselines)
