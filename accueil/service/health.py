"""Is the service healthy?  One answer for `accueil status` and the `/api/health` endpoint.

Healthy means: `accueil serve` is running for this home and its Dagster daemon has sent a
heartbeat lately; a snapshot is published; the last build did not fail; nothing accepted
has waited long for a build; the disk has room (1 GB, and what a build needs); and nobody
but the home's owner can read or write its files (beyond the group an admin may share the
snapshot and reports with).  Each miss is one plain sentence.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

from accueil import build_progress, config, filemodes, locks, publication
from accueil.ops import disk

HEARTBEAT_STALE_SECONDS = 120
WAITING_TOO_LONG_SECONDS = 30 * 60
MIN_FREE_BYTES = 1_000_000_000


@dataclass
class Health:
    healthy: bool
    problems: list[str]
    home: str
    service_running: bool
    daemon_heartbeat_age_s: float | None
    published_at: str | None
    uploads_waiting: int
    oldest_waiting_since: str | None
    build_running: bool
    build_progress: dict | None  # the running build's dbt models and tests done, of those in it
    last_build: dict | None
    builds_failed_recently: int
    disk_used_bytes: int
    disk_free_bytes: int
    checked_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def as_dict(self) -> dict:
        return asdict(self)


def _progress(newest) -> dict | None:
    found = build_progress.of_newest(newest)
    return {"done": found.done, "total": found.total} if found else None


def service_lock_path():
    return config.home() / "service.lock"


def service_running() -> bool:
    """Whether an `accueil serve` holds this home's service lock."""
    return locks.held(service_lock_path())


def _service_age() -> float:
    """Seconds since the running service started (it rewrites its lock file as it starts)."""
    try:
        return time.time() - service_lock_path().stat().st_mtime
    except OSError:
        return float("inf")


@lru_cache(maxsize=4)
def _instance(dagster_home: str):
    from dagster import DagsterInstance

    return DagsterInstance.from_config(dagster_home)


def daemon_heartbeat_age() -> float | None:
    """Seconds since the Dagster daemon's newest heartbeat; None when it never beat in this home."""
    home = config.home() / "dagster"
    if not (home / "dagster.yaml").exists():
        return None
    try:
        beats = _instance(str(home)).get_daemon_heartbeats()
    except Exception:  # storage unreachable (a PostgreSQL server down): no heartbeat to show
        return None
    if not beats:
        return None
    return max(0.0, time.time() - max(beat.timestamp for beat in beats.values()))


def _disk_used(root) -> int:
    total = 0
    for folder, _dirs, files in os.walk(root):
        for name in files:
            with contextlib.suppress(OSError):  # a file removed while we walk
                total += os.lstat(os.path.join(folder, name)).st_size
    return total


def check() -> Health:
    home = config.home()
    problems = []
    running = service_running()
    age = daemon_heartbeat_age() if running else None
    if not running:
        problems.append("the service is not running (`accueil serve`)")
    elif (age is None and _service_age() > HEARTBEAT_STALE_SECONDS) or (age or 0) > HEARTBEAT_STALE_SECONDS:
        problems.append("the Dagster daemon has sent no heartbeat for over two minutes")
    shown = publication.published()
    if shown.at is None:
        problems.append("nothing is published yet")
    building = publication.build_running()
    waiting = publication.unpublished()
    oldest = min((u.decided_at or u.received_at for u in waiting), default=None)
    if oldest and not building:
        waited = (datetime.now(UTC) - datetime.fromisoformat(oldest)).total_seconds()
        if waited > WAITING_TOO_LONG_SECONDS:
            problems.append(f"{len(waiting)} accepted upload(s) have waited over 30 minutes for a build")
    recent = publication.recent_builds(10)
    last = recent[0] if recent else None
    if last is not None and last.status in ("failed", "interrupted") and not building:
        problems.append(f"the last build {last.status}: {last.error}")
    failed = 0
    for build in recent:
        if build.status == "succeeded":
            break
        failed += build.status in ("failed", "interrupted")
    home.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(home).free
    needed = disk.needed_for_build()
    if free < needed:
        problems.append(
            f"only {disk.human(free)} free on the disk that holds {home}, and a build needs {disk.human(needed)}: "
            "builds are refused until there is room (docs/operations.md, Disk space)"
        )
    elif free < MIN_FREE_BYTES:
        problems.append(f"only {free / 1e9:.1f} GB free on the disk that holds {home}")
    too_open = filemodes.problem(home)
    if too_open:
        problems.append(too_open)
    return Health(
        healthy=not problems,
        problems=problems,
        home=str(home),
        service_running=running,
        daemon_heartbeat_age_s=None if age is None else round(age, 1),
        published_at=shown.at,
        uploads_waiting=len(waiting),
        oldest_waiting_since=oldest,
        build_running=building,
        build_progress=_progress(last) if building else None,
        last_build=asdict(last) if last else None,
        builds_failed_recently=failed,
        disk_used_bytes=_disk_used(home),
        disk_free_bytes=free,
    )
