"""The Dagster daemon with a code server of its own: the `daemon` process of `accueil serve`.

`dagster-daemon run -m orchestration.definitions` starts a code server itself, and every 60 s
(Dagster's RELOAD_WORKSPACE_INTERVAL) starts a new one, which imports the definitions again
(dbt, dagster-dbt, the manifest), and lets the old one go: 6 to 7% of the two cores of an
idle service, and as much taken from a build running then (bench/findings.md).
Here the code server is started once, on a socket in a private folder, and the daemon reads it
through a workspace file (Dagster's `grpc_server` location, under the same location name, so
the sensor's state and the runs' history are the ones kept before): a reload only asks the
same server again.

The code server, the daemon, the runs the code server starts and their dbt are all in this
process's group, as when the daemon started its own code server: stopping the group (honcho on
Ctrl-C or SIGTERM, or a kill) stops them together.  When one of the two stops by itself, the
other is stopped and this process exits with the first one's code, so that honcho stops the
whole service and the machine's supervisor restarts it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from accueil import config

BIN = Path(sys.executable).parent
# The name Dagster gave the location when the daemon loaded the module itself: sensor states and
# runs are kept under it.
LOCATION = "orchestration.definitions"
READY_WITHIN_S = 300  # the definitions imported and loaded, on a loaded machine
STOP_WITHIN_S = 20
PREFIX = "accueil-dagster-"


def code_server_command(socket: Path, log_level: str) -> list[str]:
    return [
        str(BIN / "dagster"),
        "api",
        "grpc",
        "-m",
        LOCATION,
        "--socket",
        str(socket),
        "--location-name",
        LOCATION,
        "--log-level",
        log_level,
    ]


def workspace_text(socket: Path) -> str:
    # JSON's quoting is YAML's: any folder name is read back as it is.
    return f"load_from:\n  - grpc_server:\n      socket: {json.dumps(str(socket))}\n      location_name: {LOCATION}\n"


def _ready(socket: Path) -> bool:
    """Whether the code server answers gRPC's health check as serving.  It binds its socket only
    once the definitions are loaded; grpc alone, so that this process never imports Dagster."""
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    if not socket.exists():
        return False
    request = health_pb2.HealthCheckRequest(service="DagsterApi")
    with grpc.insecure_channel(f"unix:{socket}") as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(request, timeout=5)
        except grpc.RpcError:
            return False
    return reply.status == health_pb2.HealthCheckResponse.SERVING


def _private_folder() -> Path:
    """A new owner-only folder for the socket, under the system's temporary folder (a socket's path
    must be short: the home's may not be), recorded in the home.  One a killed unit left (it had no
    time to remove it) is removed first: one service runs per home."""
    record = config.home() / "dagster" / "code-server-folder"
    try:
        left = Path(record.read_text(encoding="utf-8").strip())
    except OSError:
        left = None
    if left and left.name.startswith(PREFIX) and left.is_dir() and left.stat().st_uid == os.getuid():
        shutil.rmtree(left, ignore_errors=True)
    folder = Path(tempfile.mkdtemp(prefix=PREFIX))
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(str(folder), encoding="utf-8")
    return folder


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_WITHIN_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run(log_level: str) -> int:
    """Start the code server, then the daemon once the server answers; return when either stops."""
    stopping = False

    def stop(signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    folder = _private_folder()
    socket, workspace = folder / "code.sock", folder / "workspace.yaml"
    workspace.write_text(workspace_text(socket), encoding="utf-8")
    server = subprocess.Popen(code_server_command(socket, log_level))
    daemon = None
    try:
        deadline = time.monotonic() + READY_WITHIN_S
        while not _ready(socket):
            if stopping or server.poll() is not None:
                return server.poll() or 0
            if time.monotonic() > deadline:
                print(f"the Dagster code server did not answer within {READY_WITHIN_S} s", file=sys.stderr)
                return 1
            time.sleep(0.2)
        daemon = subprocess.Popen([str(BIN / "dagster-daemon"), "run", "-w", str(workspace), "--log-level", log_level])
        while not stopping:
            for process in (daemon, server):
                if process.poll() is not None:
                    return process.returncode
            time.sleep(0.5)
        return 0
    finally:
        for process in (daemon, server):
            if process is not None:
                _stop(process)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(run(sys.argv[1] if len(sys.argv) > 1 else "warning"))
