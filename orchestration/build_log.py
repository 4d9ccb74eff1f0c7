"""Where a build's dbt output and Dagster's messages go: a file under the home, the last build's."""

from __future__ import annotations

import io
from contextlib import contextmanager, redirect_stderr, redirect_stdout, suppress
from pathlib import Path

from accueil import config


def dbt_log_path() -> Path:
    """Where the last build's dbt output and Dagster's messages are kept."""
    return config.home() / "logs" / "dbt-build.log"


@contextmanager
def build_output():
    """dagster-dbt echoes dbt's every log line (about 1,300 a build) to standard output: they go
    to a file under the home instead, the last build's, so the terminal keeps its progress bar
    and the lines are still there to read.  Dagster's own messages (standard error) go there
    too: a failure reaches the terminal once, from the command, not as Dagster's log lines and
    tracebacks.  Those are written as long as the disk takes them: on a full disk, Dagster
    reports its event log's failures there, and a failed write must not become the error."""
    path = dbt_log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle, redirect_stdout(handle), redirect_stderr(_WhileItFits(handle)):
        yield path


class _WhileItFits(io.TextIOBase):
    """A text stream onto `handle` that drops what the disk will not take."""

    def __init__(self, handle: io.TextIOBase) -> None:
        self._handle = handle

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        with suppress(OSError):
            self._handle.write(text)
        return len(text)

    def flush(self) -> None:
        with suppress(OSError):
            self._handle.flush()
