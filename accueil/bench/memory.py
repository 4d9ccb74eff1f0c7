"""Peak resident memory of this process and all its descendants, sampled in a thread.

`resource.getrusage(RUSAGE_CHILDREN)` reports the largest single child, not the sum of
processes alive at the same time (the validation workers run side by side, and dbt runs
beside Dagster), so the tree is sampled instead: every `interval` seconds the RSS of the
process and its living descendants is summed and the maximum kept.  A peak shorter than the
interval can be missed; 50 ms is well under any step of the pipeline.

The sampler runs beside the pipeline it measures, so it must cost little.  psutil finds a
process's descendants by reading the parent of every process on the machine
(`Process.children(recursive=True)`: about 2.6 ms a sample with 70 processes, 5% of a core
at 20 samples a second).  On Linux each thread's `/proc/PID/task/TID/children` names the
children it started, so the walk reads only this tree's own processes; psutil is kept
where that file does not exist (a kernel without CONFIG_PROC_CHILDREN, another system).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import psutil

_PROC = Path("/proc")
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def children_files_exist() -> bool:
    return (_PROC / "self" / "task" / str(threading.get_native_id()) / "children").exists()


def descendants(pid: int) -> list[int]:
    """The pids of `pid`'s living descendants, from each thread's `children` file."""
    found: list[int] = []
    waiting = [pid]
    while waiting:
        parent = waiting.pop()
        try:
            threads = os.listdir(_PROC / str(parent) / "task")
        except (FileNotFoundError, ProcessLookupError):
            continue  # ended since its parent named it
        for thread in threads:
            try:
                children = [
                    int(child) for child in (_PROC / str(parent) / "task" / thread / "children").read_text().split()
                ]
            except (FileNotFoundError, ProcessLookupError):
                continue
            found.extend(children)
            waiting.extend(children)
    return found


def resident_bytes(pid: int) -> int:
    """The resident set from `/proc/PID/statm`, which psutil's `memory_info().rss` reads too; 0 once ended."""
    try:
        return int((_PROC / str(pid) / "statm").read_text().split()[1]) * _PAGE
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0


class PeakRss:
    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="bench-rss", daemon=True)
        self._walk = children_files_exist()

    def _tree_rss(self) -> int:
        if self._walk:
            me = os.getpid()
            return sum(resident_bytes(pid) for pid in (me, *descendants(me)))
        me = psutil.Process()
        total = 0
        for process in [me, *me.children(recursive=True)]:
            try:
                total += process.memory_info().rss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue  # a child that ended between the listing and the reading
        return total

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak_bytes = max(self.peak_bytes, self._tree_rss())
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakRss:
        self.peak_bytes = self._tree_rss()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_bytes = max(self.peak_bytes, self._tree_rss())

    @property
    def peak_gb(self) -> float:
        return self.peak_bytes / 1e9
