"""The service's sensor: pick up what agencies sent and ask for one run that publishes it.

Uploads come through the dashboards' agency page, `accueil upload`, or files dropped in
$ACCUEIL_HOME/inbox/ named like the generator's, {AGENCY}_{YYYY}Q{n}.xlsx or .zip (and
agencies.xlsx, and client feedback files {AGENCY}_{SURVEY}_{YYYY}Q{n}.csv or .xlsx).  An
inbox file goes through the same door as `accueil upload` (stored, validated, reported) and
is then moved out of the inbox.  One run takes everything waiting; its run key is made of
the waiting uploads' ids and content hashes, so the same set is never requested twice and a
file seen twice is never loaded twice.
"""

import os
import re
import shutil
import time
from pathlib import Path

import dagster as dg

from accueil import config, control, publication
from accueil.ingest.names import AGENCY_IN_FILE_NAME, InvalidName
from accueil.ingest.submit import submit_agencies, submit_extract
from accueil.ingest.survey import submit_survey
from accueil.quarters import Quarter
from orchestration.build import ORIGIN_TAG
from orchestration.defs.jobs import publish_job

INBOX_NAME = re.compile(rf"^(?P<agency>{AGENCY_IN_FILE_NAME})_(?P<quarter>\d{{4}}Q[1-4])\.(xlsx|zip)$")
# A client feedback file, named as the generator names them: {AGENCY}_{SURVEY}_{YYYY}Q{n}.csv or .xlsx.
SURVEY_NAME = re.compile(rf"^(?P<agency>{AGENCY_IN_FILE_NAME})_[A-Za-z0-9][A-Za-z0-9.-]*_\d{{4}}Q[1-4]\.(csv|xlsx)$")


def sweep_inbox() -> list[str]:
    """Submit every file waiting in the inbox; returns what happened, one line per file."""
    inbox = config.inbox_dir()
    inbox.mkdir(parents=True, exist_ok=True)
    lines = []
    # Everything but the sorting folders: a link, a FIFO or a device is moved aside, never read.
    entries = sorted(Path(e.path) for e in os.scandir(inbox) if not e.is_dir(follow_symlinks=False))
    for path in entries:
        try:
            if path.name.lower() in ("agencies.xlsx", "agencies.zip"):
                submission = submit_agencies(path, user="inbox")
            elif match := INBOX_NAME.match(path.name):
                submission = submit_extract(path, match["agency"], Quarter.parse(match["quarter"]), user="inbox")
            elif match := SURVEY_NAME.match(path.name):
                submission = submit_survey(path, match["agency"], user="inbox")
            else:
                raise InvalidName(f"{path.name!r} is not named AGENCY_YYYYQn.xlsx or AGENCY_SURVEY_YYYYQn.csv")
        except ValueError as exc:  # InvalidName, NotAFile, a quarter that is no calendar quarter
            target = inbox / "unrecognised"
            target.mkdir(exist_ok=True)
            shutil.move(path, target / path.name)
            lines.append(f"{path.name}: {exc}; moved to {target}")
            continue
        target = inbox / ("processed" if submission.accepted else "rejected")
        target.mkdir(exist_ok=True)
        shutil.move(path, target / path.name)
        lines.append(
            f"{path.name}: upload {submission.upload.upload_id} {submission.upload.status}"
            f"{' (already received)' if submission.duplicate else ''}; report {submission.report_html}"
        )
    return lines


# How long a tick with nothing waiting listens for an upload accepted from the agency page or
# `accueil upload`, asking for its run as soon as the register has it: ending at once left it
# to wait for the daemon's next tick, up to 5 s and 2.5 s on average (bench/findings.md).  Under
# the daemon's 5 s loop, so the next tick follows within half a second.  A file dropped in the
# inbox is still swept at a tick's start only: waking on the folder would read a file still being
# copied in far more often.
LISTEN_S = 4.5
LOOK_EVERY_S = 0.1


def accepted_within(seconds: float, changed) -> bool:
    """Whether anything accepted is waiting to be published, now or within `seconds`: looked at
    again each time the register changes (`changed`, publication.register_changes)."""
    deadline = time.monotonic() + seconds
    while not publication.unpublished(include_loaded=True):
        while not changed():
            if time.monotonic() >= deadline:
                return False
            time.sleep(LOOK_EVERY_S)
    return True


QUEUED = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED]
IN_PROGRESS = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]


def _publish_runs(instance: dg.DagsterInstance, statuses) -> int:
    return instance.get_runs_count(dg.RunsFilter(job_name=publish_job.name, statuses=statuses))


# Every 5 s, the most often Dagster's daemon evaluates a sensor (its loop takes at least 5 s).
# The sensor's own minimum is 1 s, under the loop's: at 5 s, a loop that came round a few
# milliseconds short of 5 s since the last tick skipped the sensor, and one interval in three was
# 10 s (bench/findings.md).
@dg.sensor(job=publish_job, minimum_interval_seconds=1, default_status=dg.DefaultSensorStatus.RUNNING)
def inbox_sensor(context: dg.SensorEvaluationContext):
    with publication.register_changes() as changed:
        for line in sweep_inbox():
            context.log.info(line)
        # Nearly every tick finds nothing waiting, and says so without Dagster's instance: the
        # context makes a new one for each tick that asks for it (or for its log), which reads the
        # storages' migration scripts from disk: about 50 ms of the code server's processor a
        # tick, most of what it used while the service was idle (bench/findings.md).
        if not accepted_within(LISTEN_S, changed):
            return dg.SkipReason("nothing accepted is waiting to be published")
    # A queued run takes everything accepted by the time it starts; a run in progress publishes
    # what it has loaded, so only what is still unloaded needs another run after it.
    if _publish_runs(context.instance, QUEUED):
        return dg.SkipReason("a publish run is queued: it will take what is waiting")
    waiting = publication.unpublished(include_loaded=not _publish_runs(context.instance, IN_PROGRESS))
    if not waiting:
        return dg.SkipReason("nothing accepted is waiting to be published")
    with control.connect() as con:
        restarts = control.interrupted_builds(con)
    return dg.RunRequest(
        run_key=f"publish-{publication.request_key(waiting, restarts)}",
        tags={ORIGIN_TAG: "service", "accueil/uploads": str(sum(u.kind == "extract" for u in waiting))},
    )
