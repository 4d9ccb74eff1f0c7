"""`accueil build`: the whole pipeline in this process, on the same Dagster definitions as the UI.

Loads every accepted upload that is not loaded yet (the reference data first, then
all waiting extracts in one run), then builds the dbt project and publishes the
snapshot.  A failure anywhere raises before the publish step, so the last good
snapshot stays in place.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from accueil import config, control
from accueil.access.followups import DEFAULT_OPEN_DAYS
from accueil.ops import disk
from accueil.ops.scratch import clear_abandoned
from accueil.publish import remove_partials
from orchestration import dbt_child
from orchestration.build_log import build_output
from orchestration.dbt_project_state import partnership_vars, sources_digest
from orchestration.instance import dagster_home

WAREHOUSE_DIR = config.REPO_ROOT / "warehouse"
MANIFEST = WAREHOUSE_DIR / "target" / "manifest.json"


MANIFEST_SOURCES = MANIFEST.with_name("manifest.sources.sha256")


def prepare_manifest() -> Path:
    """dbt's manifest must exist before the definitions load (prepare_if_dev does nothing outside `dagster dev`).

    Under a lock: builds for other homes may share this clone's dbt project, and one
    must not read the manifest while another rewrites it.
    """
    MANIFEST.parent.mkdir(parents=True, exist_ok=True)
    with (MANIFEST.parent / ".manifest.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return _prepare_manifest()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _prepare_manifest() -> Path:
    digest = sources_digest()
    if MANIFEST.exists() and MANIFEST_SOURCES.exists() and MANIFEST_SOURCES.read_text() == digest:
        return MANIFEST
    # The warehouse by its file name alone, as every build's dbt has it (orchestration/dbt_child.py):
    # the same profile, so this parse serves each home's first build.  Parsing opens no database.
    env = {**os.environ, "ACCUEIL_WAREHOUSE": config.warehouse_path().name}
    env.pop("DBT_TARGET_PATH", None)  # the manifest belongs in the project's own target folder
    dbt = str(Path(sys.executable).parent / "dbt")
    result = subprocess.run(
        [dbt, "parse", "--quiet", "--profiles-dir", str(WAREHOUSE_DIR), *partnership_vars(DEFAULT_OPEN_DAYS)],
        cwd=WAREHOUSE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"dbt parse failed:\n{result.stdout}\n{result.stderr}")
    MANIFEST_SOURCES.write_text(digest)
    return MANIFEST


@dataclass
class BuildSummary:
    loaded: list[tuple[str, str, int]] = field(default_factory=list)  # agency, quarter, upload id
    reference_loaded: int | None = None
    indicator_files: list[int] = field(default_factory=list)  # upload ids of the council's files loaded
    published: Path | None = None


class BuildLocked(RuntimeError):
    pass


ORIGIN_TAG = "accueil/origin"


@dataclass
class Build:
    """The build this process is running: its row in the control database's `builds` table."""

    build_id: int
    origin: str
    failure: str | None = None


_current: Build | None = None  # a build in progress in this process (dg.materialize nests inside one)


def current_build_id() -> int | None:
    """The register's row of the build this process is running, if it is running one."""
    return _current.build_id if _current is not None else None


@contextmanager
def build_lock(wait: bool = False, on_wait: Callable[[], None] | None = None):
    """One build at a time per ACCUEIL_HOME: DuckDB has one writer, and the register one pipeline.

    `wait` blocks until the holder is done (the service's runs queue behind a hand-run build
    this way); otherwise a second build is refused at once, in one sentence.
    """
    path = config.home() / "build.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise BuildLocked(
                    f"another build is running for {config.home()} (the service, or another `accueil build`): "
                    "try again when it has finished, or add --wait"
                ) from None
            if on_wait:
                on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def build_session(origin: str, wait: bool = False, on_wait: Callable[[], None] | None = None):
    """Everything one build holds from its start to its end, whoever starts it.

    The lock, a row in `builds` (running, then succeeded or failed with the reason), the
    Dagster home, the manifest, and this home's dbt target folder.  Entered again in the
    same process (the resources of each dg.materialize that `run_build` makes), it hands
    back the build already in progress.

    Before anything else, under the lock: what a killed build left (`clear_leftovers`), and
    room on the disk (accueil/ops/disk.py: a build the disk has no room for is refused and
    recorded as failed).  A build that fails because the disk filled says so in one sentence
    (`DiskFull`), and leaves nothing of its own behind.
    """
    global _current
    if _current is not None:
        yield _current
        return
    with build_lock(wait, on_wait):
        clear_leftovers()
        try:
            disk.check_room_for_build()
        except disk.NotEnoughSpace as exc:
            _record_refusal(origin, str(exc))
            raise
        dagster_home()
        os.environ["ACCUEIL_WAREHOUSE"] = str(config.warehouse_path())
        prepare_manifest()
        # Each invocation's dbt target folder goes under this home, not the shared project:
        # builds for two homes from one clone then never touch each other's folders.
        before = {name: os.environ.get(name) for name in ("DBT_TARGET_PATH", dbt_child.PARENT_ENV)}
        os.environ["DBT_TARGET_PATH"] = str(_dbt_targets())
        os.environ[dbt_child.PARENT_ENV] = str(os.getpid())  # the dbt children's parent (orchestration/dbt_child.py)
        _keep_partial_parse()
        with control.connect() as con:
            build = Build(control.build_started(con, origin, os.getpid()), origin)
        _current = build
        full = disk.full_sentence(disk.BUILD_STOPPED)
        try:
            yield build
        except BaseException as exc:
            # The disk is looked at before anything is cleaned up: a failure on a full disk is the disk's.
            if disk.is_full_error(exc) or (isinstance(exc, Exception) and disk.nearly_full()):
                build.failure = full
                raise disk.DiskFull(full) from exc
            build.failure = build.failure or _reason(exc)
            raise
        else:
            # A run of the service fails without raising here: its step's error is the reason.
            if build.failure and (disk.is_full_text(build.failure) or disk.nearly_full()):
                build.failure = full
        finally:
            _current = None
            for name, value in before.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            with suppress(OSError):
                _clean_dbt_targets()
            _record_end(build)


def _record_end(build: Build) -> None:
    """The build's row: succeeded, or failed with its reason.  On a disk too full for even that,
    the row stays `running`, and the next build or `accueil serve` marks it interrupted."""
    try:
        with control.connect() as con:
            control.build_finished(con, build.build_id, build.failure)
    except sqlite3.Error as exc:
        if not disk.is_full_error(exc):
            raise


def _record_refusal(origin: str, reason: str) -> None:
    """A build refused before it started is still a failed build, for the agency page and `accueil status`."""
    try:
        with control.connect() as con:
            control.build_finished(con, control.build_started(con, origin, os.getpid()), reason)
    except sqlite3.Error as exc:
        if not disk.is_full_error(exc):
            raise


def clear_leftovers() -> list[str]:
    """What a killed build leaves behind, cleared under the build lock, when no build of this
    home can be running: its dbt if it still runs (and with it dbt's lock on the warehouse), a
    snapshot copy half-written, DuckDB's spill files and dbt's target folders; and what a killed
    backup or restore left (accueil.ops.scratch).  `accueil build` and every run of the
    service clear them as they start, and so does `accueil serve`.
    Returns what was done, in words, for `accueil serve` to say."""
    done = []
    if dbt_child.stop_orphans():
        done.append("stopped the dbt an interrupted build left running")
    partials = remove_partials()
    if partials:
        done.append(f"removed {len(partials)} half-written snapshot copy(ies)")
    warehouse = config.warehouse_path()
    spill = warehouse.with_name(warehouse.name + ".tmp")  # DuckDB's temp_directory beside a database file
    if spill.is_dir():
        shutil.rmtree(spill, ignore_errors=True)
        done.append("removed the warehouse's spill files")
    with suppress(OSError):  # a target folder that cannot be cleared now is cleared after the build
        _clean_dbt_targets()
    done += clear_abandoned(config.home())
    return done


def _reason(exc: BaseException) -> str:
    if isinstance(exc, KeyboardInterrupt):
        return "stopped by the operator (Ctrl-C)"
    text = str(exc).strip().splitlines()
    return (f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__)[:500]


def recover_orphaned_runs(instance, origin: str) -> int:
    """A build killed mid-run leaves its run 'started' and its warehouse pool slot claimed for ever.

    Only runs of one origin: `accueil build` calls it under the build lock, when none of its
    own kind can be alive; `accueil serve` calls it before it starts the daemon, for the
    daemon's runs.  Each never touches the other's, which may be alive and waiting for the lock.
    """
    import dagster as dg

    stale = instance.get_runs(
        filters=dg.RunsFilter(
            statuses=[dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.CANCELING],
            tags={ORIGIN_TAG: origin},
        )
    )
    for run in stale:
        instance.report_run_failed(run, message=f"Orphaned: its process stopped ({origin} build interrupted).")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
    return len(stale)


def run_build(
    progress: Callable[[int, int], None] | None = None,
    publish: bool = True,
    transform: bool = True,
    wait: bool = False,
    on_wait: Callable[[], None] | None = None,
    full_refresh: bool = False,
) -> BuildSummary:
    """Load what is waiting; then, unless `transform` is false, build the dbt models and
    (unless `publish` is false) publish.  A load-only run leaves the models and the snapshot
    as they were: the next build brings them up to date.  The models are built incrementally
    unless `full_refresh` (orchestration/dbt_project_state.py)."""
    with build_session("command", wait, on_wait):
        return _load_transform_publish(progress, publish, transform, full_refresh)


def _load_transform_publish(
    progress: Callable[[int, int], None] | None, publish: bool, transform: bool, full_refresh: bool = False
) -> BuildSummary:
    from accueil.ingest.warehouse import connect, reconcile

    with connect() as con:
        reconcile(con)
    summary = BuildSummary()
    # The instance is closed as the build ends, however it ends: its event log keeps files open
    # while it runs (orchestration/event_log.py).
    with build_output() as log, command_instance() as instance:
        try:
            _materialize(instance, summary, progress, publish, transform, full_refresh)
        except Exception as exc:
            exc.add_note(f"dbt's output and Dagster's messages are in {log}")
            raise
    if publish and transform:
        summary.published = config.published_path()
    return summary


def command_instance():
    """The home's Dagster instance without Dagster's capture of each step's output.

    A command's output already goes to the build's log (build_output); Dagster's capture
    copied it there again through a `tail` and a watcher process started for every step, a
    second late, and on a full disk that `tail` wrote its own complaint to the terminal. The
    service's runs keep the capture: the Dagster UI shows their output."""
    import dagster as dg
    from dagster._core.instance.ref import InstanceRef

    no_capture = {
        "compute_logs": {"module": "dagster._core.storage.noop_compute_log_manager", "class": "NoOpComputeLogManager"}
    }
    return dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(dagster_home()), overrides=no_capture))


def _materialize(
    instance,
    summary: BuildSummary,
    progress: Callable[[int, int], None] | None,
    publish: bool,
    transform: bool,
    full_refresh: bool,
) -> None:
    import dagster as dg

    from accueil.indicators.warehouse import pending as pending_indicator_files
    from orchestration.definitions import resources as current_resources
    from orchestration.defs.indicators.assets import baseline_audit, indicator_files
    from orchestration.defs.ingest.assets import agency_reference, extracts
    from orchestration.defs.surveys.assets import survey_files
    from orchestration.defs.warehouse.assets import published_snapshot, warehouse_models

    recover_orphaned_runs(instance, "command")
    resources = current_resources()
    # Runs are recorded in the instance for the UI; the terminal only hears of problems.
    quiet = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
    tags = {ORIGIN_TAG: "command"}
    with control.connect() as con:
        reference = control.pending(con, "agencies")
        waiting = control.pending(con, "extract")
    if reference:
        dg.materialize([agency_reference], instance=instance, resources=resources, run_config=quiet, tags=tags)
        summary.reference_loaded = reference[-1].upload_id
    if waiting:
        dg.materialize([extracts], instance=instance, resources=resources, run_config=quiet, tags=tags)
        summary.loaded = [(u.agency_cd, u.quarter, u.upload_id) for u in waiting]
        if progress:
            progress(len(waiting), len(waiting))
    if not transform:
        return
    summary.indicator_files = [u.upload_id for u in pending_indicator_files()]
    # The council's indicator files load in the same run as dbt: they are small, and dbt reads them.
    selection = [indicator_files, survey_files, warehouse_models, baseline_audit]
    if publish:
        selection.append(published_snapshot)
    run_config = {**quiet, "ops": {"warehouse_models": {"config": {"full_refresh": full_refresh}}}}
    result = dg.materialize(selection, instance=instance, resources=resources, run_config=run_config, tags=tags)
    # A step whose inputs were not all produced is skipped, and the run still succeeds: a build
    # that says it published must have.
    skipped = sorted(event.step_key for event in result.get_step_skipped_events())
    if skipped:
        raise RuntimeError(f"the build ran, but Dagster skipped {', '.join(skipped)}: nothing was published")


def _dbt_targets() -> Path:
    return config.home() / "dbt-target"


PARTIAL_PARSE = "partial_parse.msgpack"


def _keep_partial_parse() -> None:
    """dagster-dbt gives each dbt invocation the `partial_parse.msgpack` it finds in
    $DBT_TARGET_PATH; without one, dbt parses the whole project again (5 s on the sample,
    11 to 13 s beside a national warehouse).  The first build of a home starts from the
    project's; dbt itself re-parses whatever changed, the profile included."""
    kept = _dbt_targets() / PARTIAL_PARSE
    if not kept.exists() and (MANIFEST.parent / PARTIAL_PARSE).exists():
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(MANIFEST.parent / PARTIAL_PARSE, kept)


def _clean_dbt_targets() -> None:
    """dagster-dbt leaves one target folder per invocation; under the build lock, they are all
    this build's.  The newest parse is kept for the next build of this home."""
    targets = _dbt_targets()
    parses = sorted(targets.glob(f"*/{PARTIAL_PARSE}"), key=lambda path: path.stat().st_mtime)
    if parses:
        os.replace(parses[-1], targets / PARTIAL_PARSE)  # moved, not copied: it needs no room on a full disk
    for path in targets.iterdir() if targets.exists() else ():
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
