"""Pick up extracts dropped in $ACCUEIL_HOME/inbox/ and uploads registered through the CLI.

The inbox takes files named like the generator's, {AGENCY}_{YYYY}Q{n}.xlsx or .zip.
Each file goes through the same door as `accueil upload` (stored, validated, reported)
and is then moved out of the inbox.  One run loads everything waiting; its run key is
made of the waiting uploads' ids and content hashes, so the same set is never
requested twice and a file seen twice is never loaded twice.
"""

import hashlib
import re
import shutil

import dagster as dg

from accueil import config, control
from accueil.ingest.submit import submit_agencies, submit_extract
from accueil.quarters import Quarter
from orchestration.defs.jobs import load_extract_job, load_reference_job, transform_job

INBOX_NAME = re.compile(r"^(?P<agency>[A-Za-z0-9-]{2,12})_(?P<quarter>\d{4}Q[1-4])\.(xlsx|zip)$")


def sweep_inbox(log) -> list[str]:
    """Submit every file waiting in the inbox; returns what happened, one line per file."""
    inbox = config.inbox_dir()
    inbox.mkdir(parents=True, exist_ok=True)
    lines = []
    for path in sorted(p for p in inbox.iterdir() if p.is_file()):
        if path.name.lower() in ("agencies.xlsx", "agencies.zip"):
            submission = submit_agencies(path, user="inbox")
        elif match := INBOX_NAME.match(path.name):
            submission = submit_extract(path, match["agency"], Quarter.parse(match["quarter"]), user="inbox")
        else:
            target = inbox / "unrecognised"
            target.mkdir(exist_ok=True)
            shutil.move(path, target / path.name)
            lines.append(f"{path.name}: not named AGENCY_YYYYQn.xlsx; moved to {target}")
            continue
        target = inbox / ("processed" if submission.accepted else "rejected")
        target.mkdir(exist_ok=True)
        shutil.move(path, target / path.name)
        lines.append(
            f"{path.name}: upload {submission.upload.upload_id} {submission.upload.status}"
            f"{' (already received)' if submission.duplicate else ''}; report {submission.report_html}"
        )
    for line in lines:
        log.info(line)
    return lines


@dg.sensor(job=load_extract_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING)
def inbox_sensor(context: dg.SensorEvaluationContext):
    sweep_inbox(context.log)
    with control.connect() as con:
        waiting = control.pending(con, "extract")
    if not waiting:
        return dg.SkipReason("no accepted extract is waiting to be loaded")
    digest = hashlib.sha256("".join(f"{u.upload_id}:{u.sha256};" for u in waiting).encode()).hexdigest()
    return dg.RunRequest(run_key=f"extracts-{digest[:32]}", tags={"accueil/uploads": str(len(waiting))})


@dg.sensor(job=load_reference_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING)
def reference_sensor(context: dg.SensorEvaluationContext):
    with control.connect() as con:
        waiting = control.pending(con, "agencies")
    for upload in waiting:
        yield dg.RunRequest(run_key=f"agencies-{upload.upload_id}-{upload.sha256[:16]}")


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[load_extract_job, load_reference_job],
    request_job=transform_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def transform_after_load(context: dg.RunStatusSensorContext):
    """Every successful load is followed by a dbt build and a new published snapshot."""
    return dg.RunRequest(run_key=f"after-{context.dagster_run.run_id}")
