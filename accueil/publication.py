"""Where each upload stands on its way to the published figures.

An accepted upload is *waiting* until a build loads it, *building* while a build runs,
*published* once the snapshot's manifest names it, or *failed* when the last build that
should have taken it failed (the reason is the build's).  The service's sensor asks
`unpublished()` what the next run must take; the agency page and `accueil status` ask
`upload_states()` and `latest_build()`.  Everything here only reads: the register, the
build records and the published manifest.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from accueil import config, control, locks

# Uploads of these kinds are published in the snapshot (the council's indicator files are
# loaded into it too, but are not named in its manifest).
PUBLISHED_KINDS = ("extract", "agencies", "survey")


@dataclass(frozen=True)
class Published:
    at: str | None
    upload_ids: frozenset[int]


def published() -> Published:
    """The published snapshot's time and the uploads it holds (none when nothing is published)."""
    manifest = config.published_path().parent / "manifest.json"
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Published(None, frozenset())
    return Published(data.get("published_at"), frozenset(int(row[3]) for row in data.get("uploads", []) if row))


def _read_only() -> sqlite3.Connection | None:
    path = control.path()
    if not path.exists():
        return None
    con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30)
    con.row_factory = sqlite3.Row
    return con


@contextmanager
def register_changes() -> Iterator[Callable[[], bool]]:
    """A function that says whether the register changed since it last said so (or since this
    began): an upload registered, decided or loaded, a build recorded.  SQLite's `data_version`,
    on one read-only connection held for the block, changes whenever another connection commits;
    asking costs about 10 microseconds, so the service's sensor can ask ten times a second."""

    def data_version(con: sqlite3.Connection) -> int:
        return con.execute("pragma data_version").fetchone()[0]

    con = _read_only()
    version = data_version(con) if con else None

    def changed() -> bool:
        nonlocal con, version
        if con is None:
            con = _read_only()
            if con is None:
                return False
            version = data_version(con)
            return True  # the register appeared: its first upload was written
        now = data_version(con)
        if now == version:
            return False
        version = now
        return True

    try:
        yield changed
    finally:
        if con is not None:
            with suppress(sqlite3.Error):
                con.close()


def unpublished(include_loaded: bool = True) -> list[control.Upload]:
    """What the next build must take: accepted uploads not loaded yet (the newest per agency and
    quarter), loaded ones that no published snapshot holds yet (their build failed or stopped;
    left out with `include_loaded=False`, while a running build is about to publish them), and
    the council's indicator files and the client feedback files not loaded yet."""
    con = _read_only()
    if con is None:
        return []
    try:
        if con.execute("select count(*) from sqlite_master where name = 'uploads'").fetchone()[0] == 0:
            return []
        shown = published().upload_ids
        waiting = [*control.pending(con, "agencies"), *control.pending(con, "extract")]
        loaded = [
            u
            for u in control.uploads(con)
            if include_loaded and u.kind in PUBLISHED_KINDS and u.status == "loaded" and u.upload_id not in shown
        ]
        indicators = [u for u in control.uploads(con) if u.kind in ("indicators", "survey") and u.status == "accepted"]
    finally:
        con.close()
    return sorted({u.upload_id: u for u in (*waiting, *loaded, *indicators)}.values(), key=lambda u: u.upload_id)


def request_key(uploads: list[control.Upload], restarts: int) -> str:
    """One key per set of uploads to publish: the same set is never asked for twice (a failed
    build is not retried until something changes), except after the service restarts."""
    text = "".join(f"{u.upload_id}:{u.sha256};" for u in uploads) + f"restarts:{restarts}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def recent_builds(limit: int = 10) -> list[control.Build]:
    """The newest builds first."""
    con = _read_only()
    if con is None:
        return []
    try:
        found = con.execute("select count(*) from sqlite_master where name = 'builds'").fetchone()[0]
        return control.builds(con, limit=limit) if found else []
    finally:
        con.close()


def latest_build() -> control.Build | None:
    return (recent_builds(1) or [None])[0]


def build_running() -> bool:
    """Whether a build holds this home's lock now."""
    return locks.held(config.home() / "build.lock")


def upload_state(
    upload_id: int, status: str, decided_at: str | None, shown: Published, build: control.Build | None, running: bool
) -> str:
    """received, rejected, superseded, waiting, building, published or failed (see the module's text)."""
    if status in ("received", "rejected", "superseded"):
        return status
    if upload_id in shown.upload_ids:
        return "published"
    if running:
        return "building"
    # The last build started after this upload was accepted, and did not publish it.
    if build is not None and build.status in ("failed", "interrupted") and build.started_at >= (decided_at or ""):
        return "failed"
    return "waiting"


def state_of(upload_id: int) -> tuple[str, str | None]:
    """The upload's state now, and the failed build's reason when it failed."""
    con = _read_only()
    if con is None:
        raise LookupError(f"no upload {upload_id}")
    try:
        upload = control.get_upload(con, upload_id)
    finally:
        con.close()
    if upload is None:
        raise LookupError(f"no upload {upload_id}")
    build = latest_build()
    state = upload_state(upload.upload_id, upload.status, upload.decided_at, published(), build, build_running())
    return state, build.error if state == "failed" and build else None


def wait_until_published(upload_id: int, timeout_s: float, on_change=None, poll_s: float = 1.0) -> str:
    """Poll until the upload is published, its build failed, or the time is up ('timeout')."""
    import time

    deadline, last = time.monotonic() + timeout_s, None
    while True:
        state, _ = state_of(upload_id)
        if state != last and on_change:
            on_change(state)
        last = state
        if state not in ("received", "waiting", "building"):
            return state
        if time.monotonic() >= deadline:
            return "timeout"
        time.sleep(poll_s)
