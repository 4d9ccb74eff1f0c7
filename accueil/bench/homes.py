"""The ACCUEIL_HOME a bench step runs in: the bench's own, or a copy of it for the full rebuild."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# What a build sets for the home it runs in (orchestration/build.py): put back afterwards.
_NAMES = ("ACCUEIL_HOME", "DAGSTER_HOME", "ACCUEIL_WAREHOUSE")


@contextmanager
def bench_home(home: Path, fresh: bool = True) -> Iterator[None]:
    """ACCUEIL_HOME pointed at `home` (emptied first when `fresh`); the caller's environment comes back afterwards."""
    saved = {name: os.environ.get(name) for name in _NAMES}
    if fresh:
        shutil.rmtree(home, ignore_errors=True)
    os.environ["ACCUEIL_HOME"] = str(home)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
