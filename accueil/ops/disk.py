"""Room on the disk that holds the home: what a build needs before it starts, and a full disk said in one sentence.

A build writes the working warehouse again (dbt rewrites its tables: on the sample, the
home grew by about 1.4 times the warehouse's size at the peak), then copies it beside the
published snapshot before swapping it in.  So a build starts only when the disk has at
least ACCUEIL_BUILD_FREE_FACTOR (default 2) times the working warehouse's size free, and
never less than ACCUEIL_BUILD_MIN_FREE (default 100MB, what a first build of a small home
needs).  A disk that fills anyway (another program, a warehouse that grew more than
expected) stops the build with one sentence; the published snapshot stays as it was.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sqlite3
from contextlib import suppress
from pathlib import Path

from accueil import config

FREE_FACTOR = "ACCUEIL_BUILD_FREE_FACTOR"
MIN_FREE = "ACCUEIL_BUILD_MIN_FREE"
DEFAULT_FREE_FACTOR = 2.0
DEFAULT_MIN_FREE = "100MB"

# Below this, the disk is full for every purpose: a failure then is the disk's, whatever it says.
NEARLY_FULL_BYTES = 1 << 20

_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
# How the layers in between say it: the C library's ENOSPC, EDQUOT and EFBIG texts (DuckDB's
# IOException, dbt's error lines that dagster-dbt raises with), and SQLite's SQLITE_FULL.
_FULL_TEXTS = ("no space left on device", "disk quota exceeded", "file too large", "database or disk is full")

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?\s*$", re.IGNORECASE)
_UNITS = {
    "b": 1,
    "kb": 10**3,
    "mb": 10**6,
    "gb": 10**9,
    "tb": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}


class DiskFull(OSError):
    """The disk that holds the home has no room for what was asked: its text is the one sentence to show."""


class NotEnoughSpace(DiskFull):
    """A build refused before it starts: the disk has less free than a build needs."""


def parse_size(value: str, name: str) -> int:
    match = _SIZE.match(value)
    if not match:
        raise ValueError(f"{name} must be a size such as 100MB or 2GB")
    return int(float(match.group(1)) * _UNITS[(match.group(2) or "B").lower()])


def human(count: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(count) < 1000:
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} TB"


def free_factor() -> float:
    raw = config_value(FREE_FACTOR, str(DEFAULT_FREE_FACTOR))
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value < 0:
        raise ValueError(f"{FREE_FACTOR} must be a number of times the warehouse's size, 0 or more")
    return value


def min_free() -> int:
    return parse_size(config_value(MIN_FREE, DEFAULT_MIN_FREE), MIN_FREE)


def config_value(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


def free_bytes(path: Path | None = None) -> int:
    """Free bytes for this user on the disk that holds `path` (the home by default, or its nearest existing parent)."""
    path = path or config.home()
    while not path.exists() and path != path.parent:
        path = path.parent
    return shutil.disk_usage(path).free


def warehouse_bytes() -> int:
    warehouse = config.warehouse_path()
    total = 0
    for path in (warehouse, warehouse.with_name(warehouse.name + ".wal")):
        with suppress(OSError):
            total += path.stat().st_size
    return total


def needed_for_build() -> int:
    """What a build needs free before it starts (see the module's text)."""
    return max(min_free(), int(free_factor() * warehouse_bytes()))


def check_room_for_build() -> None:
    """Refuse, in one sentence, a build the disk has no room for."""
    needed, free = needed_for_build(), free_bytes()
    if free < needed:
        raise NotEnoughSpace(
            f"only {human(free)} is free on the disk that holds {config.home()}, and a build needs at least "
            f"{human(needed)} ({FREE_FACTOR} times the {human(warehouse_bytes())} warehouse, and at least "
            f"{MIN_FREE}): free some space and build again; the published figures stay as they are"
        )


def is_full_error(exc: BaseException | None) -> bool:
    """Whether an error, or any error that led to it, is the disk being full."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, DiskFull):
            return True
        if isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS:
            return True
        if isinstance(exc, sqlite3.Error) and getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            return True
        if is_full_text(str(exc)):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def is_full_text(text: str | None) -> bool:
    text = (text or "").lower()
    return any(phrase in text for phrase in _FULL_TEXTS)


def nearly_full(path: Path | None = None) -> bool:
    try:
        return free_bytes(path) < NEARLY_FULL_BYTES
    except OSError:
        return False


def full_sentence(what: str) -> str:
    """One sentence for a full disk: `what` says what did not happen and what still stands."""
    return f"the disk that holds {config.home()} is full: {what}; free some space and try again"


BUILD_STOPPED = "the build stopped and the last published snapshot is still the one served"
