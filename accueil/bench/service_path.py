"""One more upload published by the running service, as an agency meets it: `accueil serve` on the
bench's home, a corrected extract accepted through the door, and the time until the snapshot
names it.

`accueil bench` times its other quarters with `accueil build` in its own process.  Under the
service, the build waits for the daemon's sensor (it looks every 5 s), then for the run queue, and
the run starts in a new process; those seconds are the service's alone.  The split comes from the
run's own records in the home's Dagster instance (its creation, its start, the dbt step), and its
parts add up to the whole: the upload and its validation, the wait for the sensor, the run's
queue and start, the run's steps before dbt (the load), the dbt step, and the rest of the run
until the snapshot names the upload (the baseline audit, the publish step, and this process
seeing the new snapshot, which it looks for every 0.2 s).
"""

from __future__ import annotations

import csv
import io
import os
import signal
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from accueil import config
from accueil.bench.failure import BenchFailed
from accueil.quarters import Quarter

# The sheet a correction drops one row of: the largest, the one agencies correct most.
CORRECTED_SHEET = "Info&Orien"
DBT_STEP = "warehouse_models"
STARTS_WITHIN_S = 180  # the dashboards, the daemon and its code server, on a loaded machine
PUBLISHED_WITHIN_S = 1800


def corrected_copy(source: Path, target: Path) -> Path:
    """`source`, a zip of CSVs, with the last row of its orientation sheet taken out: a correction."""
    from accueil.contract import extract_contract

    name = next(s.csv_name for s in extract_contract().sheets if s.name == CORRECTED_SHEET)
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == name:
                rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
                if len(rows) < 3:
                    raise ValueError(f"{source.name}: {name} has no row to take out and keep the sheet")
                out = io.StringIO(newline="")
                csv.writer(out, lineterminator="\n").writerows(rows[:-1])
                data = out.getvalue().encode("utf-8")
            copy.writestr(info.filename, data)
    return target


def free_port() -> int:
    """A port nothing listens on now, for a service started next (tests/service_process.py too)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_group(process: subprocess.Popen) -> int:
    """Stop a service started in its own process group as its supervisor would: SIGTERM to the
    group, SIGKILL after 60 s; its exit code."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            return process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    return process.wait(timeout=30)


def until(condition, seconds: float, what: str, every: float = 0.2) -> None:
    """Call `condition` every `every` s until it holds; BenchFailed after `seconds` (tests/service_process.py too)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise BenchFailed(f"gave up after {seconds:.0f} s waiting for {what}")
        time.sleep(every)


@contextmanager
def running_service(log: Path) -> Iterator[subprocess.Popen]:
    """`accueil serve` on this home, in its own process group, until the daemon beats after it started."""
    from accueil.service.health import daemon_heartbeat_age, service_running

    started = time.time()
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "accueil.cli", "serve", "--host", "127.0.0.1", "--port", str(free_port())],
            env={**os.environ, "ACCUEIL_HOME": str(config.home())},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:

        def beating() -> bool:
            if process.poll() is not None:
                code = process.returncode
                raise BenchFailed(f"`accueil serve` stopped with exit code {code}; its output is in {log}")
            age = daemon_heartbeat_age()
            return service_running() and age is not None and age < time.time() - started

        until(beating, STARTS_WITHIN_S, "the service's daemon to start")
        yield process
    finally:
        stop_group(process)


def _service_run(upload_id: int, sent_at: float):
    """The run of the service that published `upload_id`: the first made after it was sent."""
    import dagster as dg

    from orchestration.build import ORIGIN_TAG, command_instance

    with command_instance() as instance:
        records = instance.get_run_records(filters=dg.RunsFilter(tags={ORIGIN_TAG: "service"}), limit=5)
        made = [r for r in records if r.create_timestamp.timestamp() >= sent_at]
        if not made:
            raise BenchFailed(f"no run of the service was made after upload {upload_id} was sent")
        record = min(made, key=lambda r: r.create_timestamp)
        steps = {s.step_key: s for s in instance.get_run_step_stats(record.dagster_run.run_id)}
    return record, steps


def service_split(upload_id: int, started: float, accepted: float, seen: float) -> dict:
    """Upload to published of `upload_id` by the running service, split by its run's records: sent at
    `started`, accepted at `accepted`, seen in the snapshot at `seen` (times since the epoch)."""
    record, steps = _service_run(upload_id, started)
    created, run_start = record.create_timestamp.timestamp(), record.start_time
    # The sensor may make the run before the uploader's call returns (the reports are written after
    # the decision): the upload then counts until the run was made, and the wait for the sensor is 0.
    accepted = min(accepted, created)
    dbt = steps.get(DBT_STEP)
    if run_start is None or dbt is None or dbt.start_time is None or dbt.end_time is None:
        raise BenchFailed(f"the service's run {record.dagster_run.run_id} has no record of its dbt step")
    split = {
        "upload_validate_s": accepted - started,
        "service_sensor_wait_s": created - accepted,
        "service_run_start_s": run_start - created,
        "service_steps_before_dbt_s": dbt.start_time - run_start,
        "service_dbt_step_s": dbt.end_time - dbt.start_time,
        "service_after_dbt_s": seen - dbt.end_time,
    }
    return {
        "upload_to_published_s": round(seen - started, 3),
        "split": {key: round(value, 3) for key, value in split.items()},
        "run_id": record.dagster_run.run_id,
    }


def through_the_service(path: Path, user: str, log: Path) -> dict:
    """Upload `path` while `accueil serve` runs on this home; seconds until the snapshot names it, split."""
    from accueil import publication
    from accueil.ingest.submit import submit_extract

    agency, quarter = path.stem.split("_")
    with running_service(log):
        last = publication.latest_build()
        started = time.time()
        submission = submit_extract(path, agency, Quarter.parse(quarter), user)
        accepted = time.time()
        if not submission.accepted:
            raise BenchFailed(f"the corrected extract {path.name} was rejected; its report: {submission.report_html}")
        upload_id = submission.upload.upload_id

        def published() -> bool:
            if upload_id in publication.published().upload_ids:
                return True
            # A build of the service that failed will not publish it: said at once, not after the wait.
            build = publication.latest_build()
            new = build is not None and (last is None or build.build_id > last.build_id)
            if new and build.origin == "service" and build.status == "failed":
                raise BenchFailed(f"the service's build {build.build_id} failed ({build.error}); see {log}")
            return False

        until(published, PUBLISHED_WITHIN_S, f"{path.name} to be published")
        seen = time.time()
        # The run records its build's end, then lets go of the build lock, just after the publish:
        # stopped before, it would leave the build marked running, for the next one to call interrupted.
        until(lambda: not publication.build_running(), 120, "the service's build to end")
    return {"file": path.name, **service_split(upload_id, started, accepted, seen)}
