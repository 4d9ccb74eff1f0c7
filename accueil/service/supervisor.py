"""`accueil serve`: the dashboards, the Dagster daemon and, on request, the Dagster UI, as one service.

The processes are supervised by honcho (a Python Foreman): each runs in its own process
group, their output is interleaved with the process's name, and when one stops, or on
Ctrl-C or SIGTERM, all of them are stopped together (SIGTERM, then SIGKILL after a few
seconds), so systemd or any other supervisor restarts the whole service and never half
of it.  Before anything starts, the home is made ready: one service per home (a lock
held for the service's life), the Dagster instance and dbt manifest written, and builds
that a previous service left half-done marked as interrupted, so the daemon starts them
again; a dbt an interrupted build left running is stopped and its half-written files removed.
"""

from __future__ import annotations

import fcntl
import os
import shlex
import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from accueil import config

BIN = Path(sys.executable).parent


class ServiceRunning(RuntimeError):
    pass


def dashboard_command(port: int, host: str) -> list[str]:
    """Streamlit on dashboards/server.py: the pages plus the sign-in and health routes."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(config.REPO_ROOT / "dashboards" / "server.py"),
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        # the developer toolbar offers "Deploy" to Streamlit's cloud: not for client data
        "--client.toolbarMode",
        "viewer",
        # Tables' own CSV buttons would be exports the audit log never sees: the pages' buttons are audited.
        "--client.disableDataExport",
        "true",
        # The door refuses files over the contract's 50 MB before reading them: no larger upload is taken in.
        "--server.maxUploadSize",
        "50",
        # Streamlit collects every generation of Python's garbage after each run of a page, 54 to
        # 81 ms in a process holding the dashboards' modules, that every click waits for
        # (bench/findings.md): Python's own collector still runs, when allocations call for it.
        "--runner.postScriptGC",
        "false",
    ]


def daemon_command() -> list[str]:
    """The Dagster daemon and its code server, started once (accueil/service/daemon_unit.py).
    Warnings and errors only: at info, the sensor logs a line every five seconds."""
    return [sys.executable, "-m", "accueil.service.daemon_unit", "warning"]


def webserver_command(port: int, host: str) -> list[str]:
    return [str(BIN / "dagster-webserver"), "-m", "orchestration.definitions", "-h", host, "-p", str(port)]


def environment() -> dict[str, str]:
    """What every child needs to find this home, whatever the caller's working directory."""
    home = config.home()
    return {
        **os.environ,
        "ACCUEIL_HOME": str(home),
        "DAGSTER_HOME": str(home / "dagster"),
        "ACCUEIL_WAREHOUSE": str(config.warehouse_path()),
        "GX_ANALYTICS_ENABLED": "false",
        "PYTHONUNBUFFERED": "1",
    }


@contextmanager
def service_lock():
    """One service per home: two daemons would each start builds and recover the other's runs."""
    from accueil.service.health import service_lock_path

    path = service_lock_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ServiceRunning(f"`accueil serve` is already running for {config.home()}") from None
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def prepare(say: Callable[[str], None]) -> None:
    """The home ready for the daemon: instance settings, dbt manifest, no run left half-done."""
    from accueil import control
    from accueil.ingest.abandoned import home_ready
    from orchestration.build import build_lock, clear_leftovers, prepare_manifest, recover_orphaned_runs
    from orchestration.instance import dagster_home

    dagster_home()
    home_ready()  # no upload left `received` by a process that died
    say("Preparing dbt's manifest ...")
    prepare_manifest()
    with build_lock(wait=True, on_wait=lambda: say("A build is running: waiting for it to finish ...")):
        cleared = clear_leftovers()
        with control.connect() as con:
            interrupted = control.interrupt_running(con)
        import dagster as dg

        with dg.DagsterInstance.get() as instance:
            orphans = recover_orphaned_runs(instance, "service")
    if interrupted or orphans:
        say(
            f"Recovered from an interrupted service: {interrupted} build(s) and {orphans} Dagster run(s) marked "
            "as interrupted; what they were publishing is requested again."
        )
    if cleared:
        say("Cleared what an interrupted build, backup or restore left: " + "; ".join(cleared) + ".")


def run(port: int, host: str, dagster_ui_port: int | None, say: Callable[[str], None]) -> int:
    """Start the service and supervise it until Ctrl-C, SIGTERM, or one of its processes stops."""
    from honcho.manager import Manager

    with service_lock():
        prepare(say)
        env, cwd = environment(), str(config.REPO_ROOT)
        manager = Manager()
        manager.add_process("dashboards", shlex.join(dashboard_command(port, host)), env=env, cwd=cwd)
        manager.add_process("daemon", shlex.join(daemon_command()), env=env, cwd=cwd)
        if dagster_ui_port:
            manager.add_process("dagster-ui", shlex.join(webserver_command(dagster_ui_port, host)), env=env, cwd=cwd)
        say(f"Dashboards: http://{host}:{port}/  (Ctrl-C stops the service)")
        if dagster_ui_port:
            say(f"Dagster UI: http://{host}:{dagster_ui_port}/")
        manager.loop()
        return manager.returncode or 0
