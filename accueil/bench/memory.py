"""Peak resident memory of this process and all its descendants, sampled in a thread.

`resource.getrusage(RUSAGE_CHILDREN)` reports the largest single child, not the sum of
processes alive at the same time (the validation workers run side by side, and dbt runs
beside Dagster), so the tree is sampled with psutil instead: every `interval` seconds the
RSS of the process and its living descendants is summed and the maximum kept.  A peak
shorter than the interval can be missed; 50 ms is well under any step of the pipeline.
"""

from __future__ import annotations

import threading

import psutil


class PeakRss:
    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="bench-rss", daemon=True)

    def _tree_rss(self) -> int:
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
