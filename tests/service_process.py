"""`accueil serve` started as the systemd unit starts it, for the tests that need the running service."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from accueil.bench.failure import BenchFailed
from accueil.bench.service_path import free_port, stop_group
from accueil.bench.service_path import until as wait_until  # `until` here fails the test instead

UNIT = Path(__file__).resolve().parents[1] / "deploy" / "accueil.service"


def unit_command(port: int) -> list[str]:
    """The systemd unit's ExecStart (docs/deploy.md), with this venv's accueil and a free port."""
    (line,) = [x for x in UNIT.read_text().splitlines() if x.startswith("ExecStart=")]
    program, *args = shlex.split(line.removeprefix("ExecStart="))
    assert program.endswith("/accueil") and args[0] == "serve", line
    args[args.index("--port") + 1] = str(port)
    return [sys.executable, "-m", "accueil.cli", *args]


def until(condition, seconds: float, what: str) -> None:
    """The bench's wait, failing the test rather than the bench."""
    try:
        wait_until(condition, seconds, what, every=0.5)
    except BenchFailed as exc:
        pytest.fail(str(exc))


class Service:
    """`accueil serve` in its own process group, its output in a file."""

    def __init__(self, home: Path, log: Path, **env: str) -> None:
        self.port = free_port()
        self.log = log
        environment = {**os.environ, "ACCUEIL_HOME": str(home), "GX_ANALYTICS_ENABLED": "false", **env}
        with log.open("a") as out:
            self.process = subprocess.Popen(
                unit_command(self.port),
                env=environment,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.url = f"http://127.0.0.1:{self.port}"
        until(self._answers, 120, "the service's health endpoint to answer")

    def _answers(self) -> bool:
        try:
            urllib.request.urlopen(f"{self.url}/api/health", timeout=5)
        except urllib.error.HTTPError:
            return True  # 503: unhealthy, but up
        except OSError:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            return False
        return True

    def health(self) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(f"{self.url}/api/health", timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def child_pid(self, name: str) -> int:
        found = re.findall(rf"{name} started \(pid=(\d+)\)", self.log.read_text())
        assert found, self.log.read_text()[-3000:]
        return int(found[-1])

    def code_servers(self) -> set[int]:
        """The Dagster code servers of the service's daemon now (their process ids)."""
        import psutil

        found = set()
        for process in psutil.Process(self.child_pid("daemon")).children(recursive=True):
            try:
                if "api grpc" in " ".join(process.cmdline()):
                    found.add(process.pid)
            except psutil.Error:  # ended while listed
                continue
        return found

    def stop(self) -> int:
        return stop_group(self.process)
