"""The benchmark's memory sampler (accueil/bench/memory.py): the tree it sums is the tree psutil
sees, and a child's memory counts while it lives and stays in the peak after it ends."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import suppress

import psutil
import pytest

from accueil.bench import memory
from accueil.bench.memory import PeakRss

pytestmark = pytest.mark.skipif(not memory.children_files_exist(), reason="no /proc/PID/task/TID/children here")

# A child that holds 200 MB of resident memory, with a grandchild started from a second thread.
HOLDER = """
import subprocess, sys, threading, time
block = bytearray(200_000_000)
block[::4096] = b"x" * len(block[::4096])
threading.Thread(target=lambda: subprocess.run([sys.executable, "-c", "import time; time.sleep(60)"])).start()
print("ready", flush=True)
time.sleep(60)
"""


@pytest.fixture
def holder():
    process = subprocess.Popen([sys.executable, "-c", HOLDER], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 30
        while len(psutil.Process(process.pid).children()) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        yield process
    finally:
        with suppress(psutil.NoSuchProcess):  # the test may have ended it
            for child in psutil.Process(process.pid).children(recursive=True):
                child.kill()
        process.kill()
        process.wait()


def test_the_walk_finds_the_tree_psutil_finds_and_sums_its_memory(holder):
    me = os.getpid()
    walked = sorted(memory.descendants(me))
    assert walked == sorted(p.pid for p in psutil.Process().children(recursive=True))
    assert holder.pid in walked and len(walked) >= 2  # the grandchild, started by a thread, too
    tree = [psutil.Process(), *psutil.Process().children(recursive=True)]
    expected = sum(p.memory_info().rss for p in tree)
    walked_rss = PeakRss()._tree_rss()
    fallback = PeakRss()
    fallback._walk = False  # psutil's scan, where the children files do not exist
    for measured in (walked_rss, fallback._tree_rss()):
        assert measured > 200_000_000
        assert abs(measured - expected) < 20_000_000  # read moments apart, in a process still running


def test_the_peak_keeps_a_child_that_has_ended(holder):
    with PeakRss(interval=0.02) as rss:
        time.sleep(0.2)
        for child in psutil.Process(holder.pid).children(recursive=True):
            child.kill()
        holder.kill()
        holder.wait()
        time.sleep(0.1)
    assert rss.peak_bytes > 200_000_000
    assert PeakRss()._tree_rss() < rss.peak_bytes - 150_000_000
