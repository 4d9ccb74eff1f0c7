"""dbt as a child of the build that starts it: it dies with the build, and never outlives it.

dagster-dbt starts dbt with `subprocess.Popen` and offers no hook to run code in the child
(no `preexec_fn`), so the resource's dbt executable is `accueil-dbt` (a console script of
this package, pyproject.toml): on Linux it asks the kernel to kill it when its parent dies
(prctl PR_SET_PDEATHSIG), checks that the parent is still the build that started it (it may
have died before the request), then becomes the venv's dbt (exec: the same process, so the
request holds).  An `accueil build` killed with SIGKILL, or a run worker of the service,
then takes its dbt, and dbt's lock on the warehouse, with it.

By hand, not with a library: the call is one line of ctypes; python-prctl needs a C
compiler and libcap's headers to install and pyprctl has not been released since 2021,
and util-linux's `setpriv --pdeathsig` cannot make the parent check.

Where that cannot help (another system, or a dbt started before this change), each dbt a
build starts is recorded in the home (`dbt.pid`: its pid and start time), and the next build
or `accueil serve` stops a recorded dbt that still runs before it takes the warehouse
(`stop_orphans`).  The start time tells the recorded process from a later one with the
same pid.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from accueil import config

BIN = Path(sys.executable).parent
WRAPPER = BIN / "accueil-dbt"
DBT = BIN / "dbt"

# The pid of the build process: the child checks that it is still its parent.
PARENT_ENV = "ACCUEIL_DBT_PARENT"

_PR_SET_PDEATHSIG = 1


def executable() -> Path:
    """The dbt the build runs: the wrapper, or plain dbt in a venv installed before it existed
    (the pid file still stops an orphan at the next start there)."""
    return WRAPPER if WRAPPER.exists() else DBT


def die_with_parent() -> None:
    """Ask the kernel to kill this process when its parent dies; exit at once if it already has."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    expected = os.environ.get(PARENT_ENV)
    if expected and os.getppid() != int(expected):
        sys.exit("accueil-dbt: the build that started this dbt has already stopped")


def main() -> None:
    """`accueil-dbt ARGS`: the venv's `dbt ARGS`, as a child that dies with its parent."""
    die_with_parent()
    run_beside_the_warehouse()
    os.execv(DBT, [str(DBT), *sys.argv[1:]])


def run_beside_the_warehouse() -> None:
    """Run dbt from the warehouse's folder and give it the file by its name alone.

    dbt keeps a partial parse only while the profile's connection settings are unchanged, and
    the DuckDB path is one of them: with an absolute path, the first build of every new home
    (a restore, a copy, a test, the bench's rebuild) parsed the whole project again, about 5 s.
    With the name alone the settings are the same in every home, and the project's own parse
    (orchestration/build.py, prepare_manifest) serves each home's first build.  dbt still finds
    the project and the profile: dagster-dbt names the project in DBT_PROJECT_DIR, and the
    profile is the project's own."""
    warehouse = os.environ.get("ACCUEIL_WAREHOUSE", "")
    project = os.environ.get("DBT_PROJECT_DIR")
    if not (project and os.path.isabs(warehouse)):
        return
    os.environ.setdefault("DBT_PROFILES_DIR", project)
    os.chdir(os.path.dirname(warehouse))
    os.environ["ACCUEIL_WAREHOUSE"] = os.path.basename(warehouse)


def pid_file() -> Path:
    return config.home() / "dbt.pid"


def _started(pid: int) -> float | None:
    import psutil

    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return None


def record(pid: int) -> None:
    """Write down a dbt this build runs: its pid, and its start time to tell it from a later process with that pid."""
    pid_file().write_text(json.dumps({"pid": pid, "started": _started(pid)}), encoding="utf-8")


@contextmanager
def tracked(process: subprocess.Popen) -> Iterator[None]:
    """While dbt runs: recorded in the home.  When the caller stops reading it (the step failed
    or was interrupted), dbt is stopped too: it never runs on after the build releases its lock."""
    record(process.pid)
    try:
        yield
    finally:
        if process.poll() is None:
            process.kill()
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
        pid_file().unlink(missing_ok=True)


def stop_orphans(timeout: float = 10.0) -> int:
    """Stop a dbt that a build left running (the build was killed before it): call it under the
    build lock, when no build of this home can be alive.  Returns how many were stopped."""
    import psutil

    path = pid_file()
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        pid, started = int(record["pid"]), record.get("started")
    except FileNotFoundError:
        return 0
    except (OSError, ValueError, KeyError, TypeError):
        path.unlink(missing_ok=True)  # unreadable: nothing to act on
        return 0
    stopped = 0
    try:
        process = psutil.Process(pid)
        if started is not None and abs(process.create_time() - float(started)) < 0.01:
            process.kill()
            _wait_stopped(process, timeout)
            stopped = 1
    except psutil.NoSuchProcess:
        pass
    path.unlink(missing_ok=True)
    return stopped


def _wait_stopped(process, timeout: float) -> None:
    """Until the process has exited.  A zombie has: it holds no lock and no file, and whether it
    is reaped is its parent's business (a container's init may never reap it)."""
    import time

    import psutil

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                return
        except psutil.NoSuchProcess:
            return
        time.sleep(0.05)
    # An OSError, so that the command line says it in one sentence.
    raise ChildProcessError(
        f"dbt (pid {process.pid}), left running by an interrupted build of {config.home()}, does not stop: "
        "stop it, then build again"
    )


if __name__ == "__main__":
    main()
