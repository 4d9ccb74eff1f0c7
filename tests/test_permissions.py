"""Private by default: a home made through `accueil` is owner-only, an old one is tightened, `accueil status`
reports anything wider, and ACCUEIL_SHARED_GROUP shares the snapshot and the reports, nothing else.

The commands run as subprocesses, as an operator runs them: the umask is set by the command
itself, not by the test process (whose own umask is left alone).
"""

from __future__ import annotations

import grp
import os
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from accueil import config
from accueil.generate import GenerateOptions, generate

ACCUEIL = str(Path(sys.executable).parent / "accueil")
PASSWORD = "correct horse battery"
# What a Dagster run worker does after a build; started by `accueil serve`, it inherits its umask.
PUBLISH_AS_A_WORKER = (
    "from accueil import filemodes; filemodes.make_private(); from accueil.publish import publish; publish()"
)


@pytest.fixture(scope="module")
def tiny_region(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tiny-region")
    generate(GenerateOptions(out=out, agencies=1, quarters=1, clients=30, seed=3))
    return out


def _run(*args: str, stdin: str = "", env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        list(args), input=stdin, capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=300
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def _modes(home: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(home.lstat().st_mode)}
    for path in home.rglob("*"):
        found[str(path.relative_to(home))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def _mode_problem(status: subprocess.CompletedProcess) -> str | None:
    return next((line for line in status.stdout.splitlines() if "can be read or written by others" in line), None)


def test_a_home_made_through_the_command_line_is_owner_only(tiny_region):
    home = config.home()
    _run(ACCUEIL, "users", "add", "ana", "--role", "admin", stdin=PASSWORD + "\n")
    _run(ACCUEIL, "agencies", "load", str(tiny_region / "agencies.xlsx"))
    _run(ACCUEIL, "upload", str(tiny_region / "AG001_2024Q1.xlsx"), "--agency", "AG001", "--quarter", "2024Q1")
    _run(ACCUEIL, "build", "--load-only")
    _run(sys.executable, "-c", PUBLISH_AS_A_WORKER)

    modes = _modes(home)
    for folder in (".", "published", "reports", "raw", "accepted", "dagster"):
        assert modes[folder] == 0o700, folder
    for name in ("control.sqlite", "warehouse.duckdb", "published/warehouse.duckdb", "published/manifest.json"):
        assert modes[name] == 0o600, name
    assert any(name.startswith("reports/") and name.endswith(".csv") for name in modes)
    raw = [mode for name, mode in modes.items() if name.startswith("raw/") and (home / name).is_file()]
    assert raw and set(raw) == {0o400}  # read-only as well
    wider = {name: oct(mode) for name, mode in modes.items() if mode & 0o077}
    assert wider == {}
    assert {mode for name, mode in modes.items() if (home / name).is_dir()} == {0o700}
    assert _mode_problem(_run(ACCUEIL, "status", check=False)) is None


def test_status_reports_what_others_can_read_and_the_next_command_takes_it_back():
    home = config.home()
    _run(ACCUEIL, "users", "add", "ana", "--role", "admin", stdin=PASSWORD + "\n")
    (home / "control.sqlite").chmod(0o644)
    (home / "reports").mkdir(mode=0o700)
    (home / "reports" / "000001_extract_AG001_2024Q1.csv").write_text("severity\n")
    (home / "reports" / "000001_extract_AG001_2024Q1.csv").chmod(0o644)
    (home / "reports").chmod(0o755)

    status = _run(ACCUEIL, "status", check=False)
    assert status.returncode == 1
    problem = _mode_problem(status)
    assert problem is not None, status.stdout
    assert "3 file(s) or folder(s)" in problem
    assert "control.sqlite (644)" in problem and "reports (755)" in problem
    assert "Traceback" not in status.stdout + status.stderr

    _run(ACCUEIL, "users", "list")  # any other command makes the home private again
    assert _mode_problem(_run(ACCUEIL, "status", check=False)) is None
    assert stat.S_IMODE((home / "control.sqlite").stat().st_mode) == 0o600
    assert stat.S_IMODE((home / "reports").stat().st_mode) == 0o700


def test_a_home_from_before_the_rule_is_tightened_at_the_next_command():
    home = config.home()
    for folder in ("raw/ab", "accepted/1", "published", "dagster/history"):
        (home / folder).mkdir(parents=True, mode=0o755)
    for name, mode in [
        ("raw/ab/abcdef", 0o440),
        ("accepted/1/client_profile.parquet", 0o644),
        ("cookie.secret", 0o644),
    ]:
        (home / name).write_bytes(b"x")
        (home / name).chmod(mode)
    home.chmod(0o755)
    (home / "link").symlink_to("/etc/passwd")  # links are left alone, never followed

    _run(ACCUEIL, "uploads")
    modes = _modes(home)
    assert modes.pop("link") == stat.S_IMODE(os.lstat(home / "link").st_mode)
    assert modes["raw/ab/abcdef"] == 0o400
    assert {oct(mode) for mode in modes.values()} <= {"0o700", "0o600", "0o400"}
    assert stat.S_IMODE(os.stat("/etc/passwd").st_mode) & 0o004  # the link's target kept its mode


def _write_warehouse(home: Path) -> None:
    with duckdb.connect(str(home / "warehouse.duckdb")) as con:
        con.execute(
            "create schema raw; create table raw.loads as"
            " select 'extract' as kind, 'AG001' as agency_cd, '2024Q1' as quarter, 1 as upload_id, 'x' as sha256"
        )


def test_a_shared_group_reads_the_snapshot_and_the_reports_and_nothing_else():
    home = config.home()
    group = grp.getgrgid(os.getgid()).gr_name
    shared = {"ACCUEIL_SHARED_GROUP": group}
    _run(ACCUEIL, "users", "add", "ana", "--role", "admin", stdin=PASSWORD + "\n", env=shared)
    _write_warehouse(home)
    (home / "reports").mkdir()
    (home / "reports" / "000001_agencies_all_ref.html").write_text("<p>report</p>")
    _run(sys.executable, "-c", PUBLISH_AS_A_WORKER, env=shared)
    _run(ACCUEIL, "uploads", env=shared)

    modes = _modes(home)
    assert modes["."] == 0o710  # the group passes through the home to the shared folders, without listing it
    for folder in ("published", "reports"):
        assert modes[folder] == 0o2750 and (home / folder).stat().st_gid == os.getgid()
    for name in ("published/warehouse.duckdb", "published/manifest.json", "reports/000001_agencies_all_ref.html"):
        assert modes[name] == 0o640, name
    for name in ("control.sqlite", "warehouse.duckdb"):
        assert modes[name] == 0o600, name
    assert _mode_problem(_run(ACCUEIL, "status", check=False, env=shared)) is None
    # Without the setting, the same modes are too wide: status says so.
    assert "published (750)" in _mode_problem(_run(ACCUEIL, "status", check=False))


def test_a_shared_group_that_does_not_exist_is_one_sentence():
    env = {"ACCUEIL_SHARED_GROUP": "no-such-group-accueil"}
    _run(ACCUEIL, "users", "add", "ana", "--role", "admin", stdin=PASSWORD + "\n")
    result = _run(ACCUEIL, "uploads", env=env, check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Error: ACCUEIL_SHARED_GROUP is 'no-such-group-accueil', which is not a group on this machine"
    )
    status = _run(ACCUEIL, "status", env=env, check=False)
    assert "  - ACCUEIL_SHARED_GROUP is 'no-such-group-accueil'" in status.stdout
