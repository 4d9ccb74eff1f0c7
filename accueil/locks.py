"""Whether another process holds one of the home's lock files (the build's, the service's)."""

from __future__ import annotations

import fcntl
from pathlib import Path


def held(path: Path) -> bool:
    """True while a process holds an exclusive flock on `path`; asking never blocks nor takes it."""
    if not path.exists():
        return False
    with path.open("r") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False
