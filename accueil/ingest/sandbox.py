"""Read an upload in a worker process with memory and time limits, so no file can exhaust the server.

Each file is read by a fresh process: its address space is capped (RLIMIT_AS), its
processor time too (RLIMIT_CPU), and it is killed once its wall time is up.  A worker that
stops for any reason gives a refusal that says why, never a crash; its peak memory is
measured by the kernel (wait4).

The workers are forked by a small helper, `python -m accueil.ingest.sandbox`, started once
per process that reads uploads: a fork costs milliseconds where a new interpreter costs its
imports every time, and a folder of extracts is thousands of files.  Written by hand rather
than with multiprocessing: its fork server and spawn import the caller's main module again
in every worker (a dashboard page under Streamlit's test harness, or any script without
the `__main__` guard), a pool cannot kill one task on a timeout, and a long-lived worker's
processor-time limit would add up over its files.  The helper is single-threaded, so it
forks safely whatever threads (DuckDB, Great Expectations, Streamlit) the caller runs.
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
import traceback

from accueil.contract import Limits
from accueil.ingest.door import RawTables, read_tables
from accueil.report import Problem, problem

_FRAME = struct.Struct("<Q")
_HELPER_GRACE_SECONDS = 30  # beyond a worker's own limit, before the helper itself is given up
_lock = threading.Lock()  # one request at a time per helper; the dashboards serve several people
_helper: _Helper | None = None


class _Helper:
    def __init__(self):
        to_helper_r, self.to_helper = os.pipe()
        self.from_helper, from_helper_w = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "accueil.ingest.sandbox", str(to_helper_r), str(from_helper_w)],
            pass_fds=(to_helper_r, from_helper_w),
            stdin=subprocess.DEVNULL,
        )
        os.close(to_helper_r)
        os.close(from_helper_w)
        self.pid = os.getpid()  # a forked copy of this process needs a helper of its own

    def ask(self, request: bytes, seconds: float) -> bytes:
        _write_frame(self.to_helper, request)
        return _read_frame(self.from_helper, time.monotonic() + seconds)

    def stop(self) -> None:
        for fd in (self.to_helper, self.from_helper):
            os.close(fd)
        self.process.kill()
        self.process.wait()


def read_bounded(data: bytes, limits: Limits) -> RawTables:
    """`door.read_tables` in a worker under the limits; the worker's peak memory is in the result."""
    global _helper
    request = pickle.dumps((data, limits), protocol=pickle.HIGHEST_PROTOCOL)
    with _lock:
        if _helper is not None and _helper.process.poll() is not None:  # died between two files
            _helper.stop()
            _helper = None
        if _helper is None or _helper.pid != os.getpid():
            _helper = _Helper()
        try:
            reply = pickle.loads(_helper.ask(request, limits.read_seconds + _HELPER_GRACE_SECONDS))
        except (OSError, EOFError, TimeoutError, pickle.UnpicklingError) as exc:
            exitcode = _helper.process.poll()  # the helper itself was killed, or hung
            _helper.stop()
            _helper = None
            return RawTables(None, [_stopped(limits, exitcode, timed_out=isinstance(exc, TimeoutError))])
    payload, exitcode, timed_out, peak = reply
    if exitcode != 0 or not payload:
        return RawTables(None, [_stopped(limits, exitcode, timed_out)], peak_rss_bytes=peak)
    result: RawTables = pickle.loads(payload)
    result.unpack()
    result.peak_rss_bytes = peak
    return result


# ---- framing: a length, then the bytes ------------------------------------------------------------


def _write_frame(fd: int, payload: bytes) -> None:
    view = memoryview(_FRAME.pack(len(payload)) + payload)
    while view:
        view = view[os.write(fd, view) :]


def _read_frame(fd: int, deadline: float | None = None) -> bytes:
    (size,) = _FRAME.unpack(_read_exactly(fd, _FRAME.size, deadline))
    return _read_exactly(fd, size, deadline)


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes:
    parts, left = [], size
    while left:
        if deadline is not None and not select.select([fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
            raise TimeoutError
        part = os.read(fd, min(left, 1 << 20))
        if not part:
            raise EOFError
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


# ---- the helper, and the workers it forks ---------------------------------------------------------


def _serve(requests: int, replies: int) -> None:
    """Fork one worker per request until the caller goes away."""
    while True:
        try:
            data, limits = pickle.loads(_read_frame(requests))
        except EOFError:
            return
        _write_frame(replies, pickle.dumps(_fork_and_read(data, limits), protocol=pickle.HIGHEST_PROTOCOL))


def _fork_and_read(data: bytes, limits: Limits) -> tuple[bytes, int, bool, int]:
    """(the pickled RawTables or b"", exit code, timed out, peak memory in bytes) of one worker."""
    out_r, out_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(out_r)
        _work(out_w, data, limits)
    os.close(out_w)
    payload, timed_out = b"", False
    try:
        payload = _read_all(out_r, time.monotonic() + limits.read_seconds)
    except TimeoutError:
        timed_out = True
        os.kill(pid, signal.SIGKILL)
    finally:
        os.close(out_r)
    _, status, usage = os.wait4(pid, 0)
    return payload, os.waitstatus_to_exitcode(status), timed_out, usage.ru_maxrss * 1024


def _read_all(fd: int, deadline: float) -> bytes:
    parts = []
    while True:
        if not select.select([fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
            raise TimeoutError
        part = os.read(fd, 1 << 20)
        if not part:
            return b"".join(parts)
        parts.append(part)


def _work(out: int, data: bytes, limits: Limits) -> None:
    """The forked worker: limits first, then the reading; it never returns."""
    code = 0
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limits.read_memory_bytes, limits.read_memory_bytes))
        # SIGXCPU at the soft limit, SIGKILL at the hard one, should the helper not be there to kill it.
        resource.setrlimit(resource.RLIMIT_CPU, (limits.read_seconds, limits.read_seconds + 5))
        try:
            result = read_tables(data, limits)
        except MemoryError:
            result = RawTables(None, [_stopped(limits, out_of_memory=True)])
        result.pack()
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        del result
        view = memoryview(payload)
        while view:
            view = view[os.write(out, view) :]
    except BaseException:
        traceback.print_exc()
        code = 70  # EX_SOFTWARE
    finally:
        os._exit(code)


def _stopped(
    limits: Limits, exitcode: int | None = None, timed_out: bool = False, out_of_memory: bool = False
) -> Problem:
    """Why the worker gave no answer, in English and French."""
    reason_en, reason_fr = _reason(limits, exitcode, timed_out, out_of_memory)
    return problem("read_stopped", reason=reason_en, reason_fr=reason_fr)


def _reason(limits: Limits, exitcode: int | None, timed_out: bool, out_of_memory: bool) -> tuple[str, str]:
    memory, seconds = f"{limits.read_memory_bytes / 1e9:g}", limits.read_seconds
    if out_of_memory:
        return f"it needed more than {memory} GB of memory", f"il fallait plus de {memory} Go de mémoire"
    if timed_out:
        return f"reading it took more than {seconds} seconds", f"sa lecture a pris plus de {seconds} secondes"
    if exitcode == -signal.SIGXCPU:
        return f"it needed more than {seconds} seconds of processor time", f"il fallait plus de {seconds} s de calcul"
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        return (
            f"the reading process was stopped by {name}, most often for want of memory (the limit is {memory} GB)",
            f"le processus de lecture a été arrêté par {name}, le plus souvent faute de mémoire "
            f"(la limite est de {memory} Go)",
        )
    if exitcode is None:
        return "the reading process stopped unexpectedly", "le processus de lecture s'est arrêté de façon inattendue"
    return (
        f"the reading process stopped with exit code {exitcode}",
        f"le processus de lecture s'est arrêté avec le code {exitcode}",
    )


if __name__ == "__main__":
    _serve(int(sys.argv[1]), int(sys.argv[2]))
