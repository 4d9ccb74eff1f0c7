"""A real, throwaway PostgreSQL server for the tests: Debian's server binaries, a data folder
in a temporary directory, loopback only, stopped when the block ends.

Tests and CI run as root, and initdb and postgres refuse to: as root the server runs as
Debian's `postgres` system user (runuser), otherwise as the current user.
"""

from __future__ import annotations

import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DEBIAN_BINARIES = Path("/usr/lib/postgresql")


def server_binaries() -> Path | None:
    """The newest installed server's bin folder (/usr/lib/postgresql/<version>/bin), if any."""
    found = [path.parent for path in DEBIAN_BINARIES.glob("*/bin/initdb")]
    numbered = [path for path in found if re.fullmatch(r"\d+(\.\d+)?", path.parent.name)]
    return max(numbered, key=lambda path: float(path.parent.name), default=None)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def postgres_server(database: str = "dagster", user: str = "accueil") -> Iterator[str]:
    """Start a server and yield `postgresql://user:password@127.0.0.1:PORT/database`."""
    binaries = server_binaries()
    if binaries is None:
        raise FileNotFoundError(f"no PostgreSQL server under {DEBIAN_BINARIES}/*/bin (Debian's `postgresql`)")
    as_server_user: list[str] = []
    # Not under pytest's tmp_path: its folders are private to root, and the server user must reach its own.
    top = Path(tempfile.mkdtemp(prefix="accueil-pg-"))
    data = top / "data"
    pg_ctl = str(binaries / "pg_ctl")

    def run(*args: str) -> None:
        result = subprocess.run([*as_server_user, *args], cwd=top, capture_output=True, text=True)
        if result.returncode != 0:
            log = top / "server.log"
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed ({result.returncode}):\n{result.stdout}{result.stderr}{tail}")

    try:
        superuser_password = top / "superuser.pw"
        superuser_password.write_text(secrets.token_urlsafe(16))
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            for path in (top, superuser_password):
                os.chown(path, owner.pw_uid, owner.pw_gid)
            as_server_user = ["runuser", "-u", "postgres", "--"]
        # Passwords over TCP, so a URL with a wrong one fails as it would in production; the
        # Unix socket, inside `top` where nobody else reaches, trusts, for setting up.
        run(
            str(binaries / "initdb"),
            *("-D", str(data), "-U", "postgres", f"--pwfile={superuser_password}"),
            *("--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8", "--no-sync"),
        )
        for attempt in range(3):  # another process may take the free port before the server does
            port = _free_port()
            options = f"-c listen_addresses=127.0.0.1 -p {port} -k {top} -c fsync=off"
            try:
                run(pg_ctl, "start", "-w", "-t", "60", "-D", str(data), "-l", str(top / "server.log"), "-o", options)
                break
            except RuntimeError:
                if attempt == 2:
                    raise
        password = secrets.token_urlsafe(16)
        psql = [str(binaries / "psql"), "-h", str(top), "-p", str(port), "-U", "postgres", "-v", "ON_ERROR_STOP=1"]
        run(*psql, "-d", "postgres", "-c", f"CREATE ROLE {user} LOGIN PASSWORD '{password}'")
        run(*psql, "-d", "postgres", "-c", f"CREATE DATABASE {database} OWNER {user}")
        yield f"postgresql://{user}:{password}@127.0.0.1:{port}/{database}"
    finally:
        try:
            if (data / "postmaster.pid").exists():
                run(pg_ctl, "stop", "-w", "-m", "fast", "-D", str(data))
        finally:
            shutil.rmtree(top, ignore_errors=True)
