"""How far the running build's dbt has got: its models and tests finished, out of those in its run.

The build records it as dbt reports each node (orchestration/dbt_stream.py), in a small file
under the home that is replaced whole, so a reader never sees half of it.  The agency page
draws it as a bar while an upload is being built, and `accueil build` as its terminal bar: one
count for both, whoever started the build (the service's runs send dbt's output to Dagster's
capture, not to a file the page could read).
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import Counter
from contextlib import suppress
from dataclasses import asdict, dataclass
from pathlib import Path

from accueil import config

# dbt's line for a node it finished: "12 of 160 OK created sql table model ...", "13 of 160 PASS ...".
DONE_LINE = re.compile(r"^\s*(\d+) of (\d+) (?:OK|PASS|WARN|ERROR|FAIL|SKIP|NO-OP)\b")
# Hooks are numbered among themselves ("1 of 2 OK hook: ..."): not nodes of the run.
HOOK_LINE = "LogHookEndLine"


@dataclass(frozen=True)
class Progress:
    build_id: int | None  # the build's row in the register (accueil.control); None outside one
    done: int
    total: int  # 0 until dbt starts on its nodes


def path() -> Path:
    return config.home() / "logs" / "build-progress.json"


def read() -> Progress | None:
    """The last recorded progress, or None when there is none (or it cannot be read now)."""
    try:
        data = json.loads(path().read_text(encoding="utf-8"))
        return Progress(data["build_id"], int(data["done"]), int(data["total"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def of_build(build_id: int) -> Progress | None:
    """The progress recorded by build `build_id`, or None until its dbt has finished a node."""
    found = read()
    return found if found is not None and found.build_id == build_id and found.total else None


def of_running_build() -> Progress | None:
    """The progress of the build running now (the register's newest, still running), if it recorded any."""
    from accueil import publication

    return of_newest(publication.latest_build())


def of_newest(build) -> Progress | None:
    """The progress of `build`, the register's newest build (an accueil.control.Build, or None when
    there is none), if it is still running and recorded any: for a caller that has read it already."""
    return of_build(build.build_id) if build is not None and build.status == "running" else None


class Recorder:
    """Counts dbt's finished nodes from its log events and keeps the file up to date, at most every
    `every` seconds while they come, and always at the end.  A disk that refuses the file costs
    the bar, never the build."""

    def __init__(self, build_id: int | None, every: float = 0.5) -> None:
        self.build_id = build_id
        self.every = every
        self._by_total: Counter[int] = Counter()
        self._written = float("-inf")
        self._write()  # a new build's file, before dbt's first node: the last build's count is gone

    def see(self, event_name: str, message: str) -> None:
        found = DONE_LINE.match(message) if event_name != HOOK_LINE else None
        if found is None:
            return
        self._by_total[int(found[2])] += 1
        if time.monotonic() - self._written >= self.every:
            self._write()

    def progress(self) -> Progress:
        # The run's nodes are its largest numbering: anything else numbered among itself counts apart.
        total = max(self._by_total, default=0)
        return Progress(self.build_id, self._by_total[total] if total else 0, total)

    def close(self) -> None:
        self._write()

    def _write(self) -> None:
        self._written = time.monotonic()
        target = path()
        partial = target.with_name(f".{target.name}.{os.getpid()}")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial.write_text(json.dumps(asdict(self.progress())), encoding="utf-8")
            os.replace(partial, target)
        except OSError:
            with suppress(OSError):
                partial.unlink()
