"""`accueil backup` and `accueil restore` on the real pipeline: back up a built home, wipe it,
restore it, build again, and the marts, users and audit log are what they were.

One home is built, backed up, wiped, restored and built again for the whole module (two
builds of the small region); the other tests work on copies of its backup.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from accueil import auth, config, control
from accueil.auth import users
from accueil.cli import cli
from accueil.ingest.batch import submit_folder
from accueil.ingest.submit import submit_agencies
from accueil.ops import backup as ops

PASSWORD = "correct horse battery"
OBSERVATIONS_HEADER = "indicator_code,geography_code,period,value,unit,denominator,margin_of_error,source_note\n"
# Corrects one of the sample's illustrative values: the history mart then holds two versions.
CORRECTION = OBSERVATIONS_HEADER + "newcomer_arrivals,REGION,2024Q1,710,count,,,revised\n"
BASELINES = (
    "indicator_code,geography_code,baseline_period,target_value,target_date,note\n"
    "recent_imm_unemployment_rate,REGION,2023,8,2028-12-31,moved by the council\n"
)


@dataclass
class Lifecycle:
    home: Path
    backup: Path
    backup_output: str
    original_warehouse: Path  # a copy, kept aside before the home was wiped
    original: sqlite3.Connection  # an in-memory copy of the original control database, as backed up
    backup_audit_id: int  # the audit row the backup itself wrote
    restore_output: str
    restore_exit: int
    session_token: str


def _rows(con: sqlite3.Connection, sql: str) -> list[tuple]:
    return [tuple(row) for row in con.execute(sql).fetchall()]


def _control_copy() -> sqlite3.Connection:
    copy = sqlite3.connect(":memory:")
    with sqlite3.connect(control.path()) as source:
        source.backup(copy)
    return copy


def _populate(region: Path, files: Path) -> str:
    """Agencies, extracts, indicator files and two users through the usual doors; a session's token."""
    assert submit_agencies(region / "agencies.xlsx", user="test").accepted
    results = submit_folder(region, user="test", jobs=1)
    assert [status for _, status, _ in results] == ["accepted"] * 6
    from accueil.indicators.submit import submit_baselines, submit_observations

    (files / "correction.csv").write_text(CORRECTION, encoding="utf-8")
    (files / "baselines.csv").write_text(BASELINES, encoding="utf-8")
    assert submit_observations(region / "indicator_observations_ILLUSTRATIVE.csv", user="test").accepted
    assert submit_observations(files / "correction.csv", user="test").accepted
    assert submit_baselines(files / "baselines.csv", user="council-clerk").accepted
    # The production hash cost: the module-scoped home cannot use the function-scoped cheap_hashes,
    # and two users and one sign-in cost well under a second.
    with control.connect() as con:
        users.add(con, "os:test", "ada", "admin", None, PASSWORD)
        users.add(con, "os:test", "ag1-clerk", "agency", "AG001", PASSWORD)
    return auth.sign_in("ada", PASSWORD).token


@pytest.fixture(scope="module")
def lifecycle(small_region, tmp_path_factory) -> Lifecycle:
    from orchestration.build import run_build

    work = tmp_path_factory.mktemp("backup")
    home, archive = work / "home", work / "kept" / "home.tar.gz"
    archive.parent.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ACCUEIL_HOME", str(home))
        token = _populate(small_region, work)
        run_build()
        shutil.copyfile(config.warehouse_path(), work / "original.duckdb")
        backed_up = CliRunner().invoke(cli, ["backup", "--out", str(archive)])
        assert backed_up.exit_code == 0, backed_up.output
        original = _control_copy()
        backup_audit_id = original.execute("select max(audit_id) from audit_log where action = 'backup'").fetchone()[0]
        shutil.rmtree(home)
        restored = CliRunner().invoke(cli, ["restore", str(archive)])
        if restored.exit_code == 0:
            run_build()
    return Lifecycle(
        home,
        archive,
        backed_up.output,
        work / "original.duckdb",
        original,
        backup_audit_id,
        restored.output,
        restored.exit_code,
        token,
    )


@pytest.fixture
def restored(lifecycle, monkeypatch) -> Lifecycle:
    assert lifecycle.restore_exit == 0, lifecycle.restore_output
    monkeypatch.setenv("ACCUEIL_HOME", str(lifecycle.home))
    return lifecycle


def _members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}


# ---- what a backup holds -------------------------------------------------------------------------------


def test_the_backup_is_owner_only_and_holds_exactly_what_cannot_be_rebuilt(lifecycle):
    assert stat.S_IMODE(lifecycle.backup.stat().st_mode) == 0o600
    assert list(lifecycle.backup.parent.iterdir()) == [lifecycle.backup]  # no partial file left beside it
    members = _members(lifecycle.backup)
    manifest = json.loads(members.pop("manifest.json"))
    assert manifest["format"] == "accueil-backup" and manifest["home"] == str(lifecycle.home)
    assert {f["path"]: (f["size"], f["sha256"]) for f in manifest["files"]} == {
        name: (len(data), hashlib.sha256(data).hexdigest()) for name, data in members.items()
    }
    uploads = _rows(lifecycle.original, "select upload_id, sha256, status from uploads")
    expected = {"control.sqlite", "published/warehouse.duckdb", "published/manifest.json"}
    expected |= {f"raw/{sha[:2]}/{sha}" for _, sha, _ in uploads}
    expected |= {name for name in members if name.startswith(("accepted/", "reports/"))}
    assert set(members) == expected
    staged = {name.split("/")[1] for name in members if name.startswith("accepted/")}
    assert staged == {str(upload_id) for upload_id, _, status in uploads if status != "rejected"}
    assert len([n for n in members if n.startswith("reports/") and n.endswith(".html")]) == len(uploads)
    assert "files" in lifecycle.backup_output and "password hashes" in lifecycle.backup_output


def test_the_backup_is_written_to_the_audit_log(lifecycle):
    (actor, target, detail) = lifecycle.original.execute(
        "select actor, target, detail from audit_log where audit_id = ?", (lifecycle.backup_audit_id,)
    ).fetchone()
    assert actor.startswith("os:") and target == str(lifecycle.backup)
    assert json.loads(detail)["sha256"] == hashlib.sha256(lifecycle.backup.read_bytes()).hexdigest()


# ---- backup, wipe, restore, build ----------------------------------------------------------------------


def test_the_rebuilt_marts_equal_the_original_row_for_row(restored):
    with duckdb.connect() as con:
        con.execute(f"attach '{restored.original_warehouse}' as original (read_only)")
        con.execute(f"attach '{config.warehouse_path()}' as rebuilt (read_only)")
        tables = {
            db: sorted(
                r[0]
                for r in con.execute(
                    "select table_name from duckdb_tables() where database_name = ? and schema_name = 'marts'", [db]
                ).fetchall()
            )
            for db in ("original", "rebuilt")
        }
        assert tables["original"] == tables["rebuilt"] and len(tables["original"]) >= 10
        total = 0
        for table in tables["original"]:
            a, b = f"original.marts.{table}", f"rebuilt.marts.{table}"
            count = con.execute(f"select count(*) from {a}").fetchone()[0]
            assert con.execute(f"select count(*) from {b}").fetchone()[0] == count, table
            for left, right in ((a, b), (b, a)):
                differ = con.execute(f"select count(*) from (from {left} except all from {right})").fetchone()[0]
                assert differ == 0, f"{table}: {differ} rows of {left} are not in {right}"
            total += count
        history = con.execute(
            "select count(*) from rebuilt.marts.fct_indicator_observation_history where not is_current"
        ).fetchone()[0]
    assert total > 1000 and history == 1  # the correction's superseded value is back in the history


def test_the_users_and_the_audit_log_are_back(restored):
    with control.connect() as con:
        assert _rows(con, "select * from users order by name") == _rows(
            restored.original, "select * from users order by name"
        )
        before = _rows(restored.original, f"select * from audit_log where audit_id < {restored.backup_audit_id}")
        assert _rows(con, f"select * from audit_log where audit_id < {restored.backup_audit_id}") == before
        (actor, detail) = con.execute("select actor, detail from audit_log where action = 'restored'").fetchone()
    assert len(before) > 30 and actor.startswith("os:")
    assert json.loads(detail)["backup_home"] == str(restored.home)
    assert auth.viewer_for("ada", PASSWORD).role == "admin"  # the password hash still signs in


def test_the_next_build_loaded_every_upload_again_and_kept_their_first_load_time(restored):
    sql = "select upload_id, kind, status, loaded_at, superseded_by from uploads order by upload_id"
    with control.connect() as con:
        assert _rows(con, sql) == _rows(restored.original, sql)
        (detail,) = con.execute("select detail from audit_log where action = 'restored'").fetchone()
    loaded = restored.original.execute("select count(*) from uploads where status = 'loaded'").fetchone()[0]
    assert json.loads(detail)["uploads_to_reload"] == loaded == 6 + 1 + 3  # extracts, agencies, indicator files
    assert f"{loaded} upload(s) will be loaded again" in restored.restore_output


def test_sessions_end_and_no_baseline_change_is_recorded_again(restored):
    assert restored.original.execute("select count(*) from sessions").fetchone()[0] == 1
    with pytest.raises(auth.SessionExpired):
        auth.viewer_for_session(restored.session_token)
    with control.connect() as con:
        (restored_at,) = con.execute("select audit_id from audit_log where action = 'restored'").fetchone()
        changes = con.execute(
            "select count(*) from audit_log where action = 'indicator_baseline_changed' and audit_id > ?",
            (restored_at,),
        ).fetchone()[0]
    recorded = restored.original.execute(
        "select count(*) from audit_log where action = 'indicator_baseline_changed'"
    ).fetchone()[0]
    assert recorded > 0 and changes == 0


# ---- refusals ------------------------------------------------------------------------------------------


def test_a_home_that_holds_state_is_not_overwritten_without_force(restored):
    with control.connect() as con:
        rows = con.execute("select count(*) from audit_log").fetchone()[0]
    result = CliRunner().invoke(cli, ["restore", str(restored.backup)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "already holds a control database" in result.output and "--force" in result.output
    assert len(result.output.strip().splitlines()) == 1
    with control.connect() as con:
        assert con.execute("select count(*) from audit_log").fetchone()[0] == rows


def _repack(source: Path, target: Path, change) -> None:
    """The backup's members, one of them altered or added by `change(tar, name, data)`."""
    with tarfile.open(target, "w:gz") as out:
        for name, data in _members(source).items():
            if not change(out, name, data):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                out.addfile(info, io.BytesIO(data))


def _flip_a_raw_byte(out, name, data):
    if not name.startswith("raw/"):
        return False
    info = tarfile.TarInfo(name)
    info.size = len(data)
    out.addfile(info, io.BytesIO(bytes([data[0] ^ 1]) + data[1:]))
    return True


def _member(member_name: str, kind: bytes = tarfile.REGTYPE, link: str = ""):
    def change(out, name, data):
        if name == "control.sqlite":  # added before it, so nothing after it is unpacked either
            info = tarfile.TarInfo(member_name)
            info.type, info.linkname, info.size = kind, link, 0 if link else 4
            out.addfile(info, None if link else io.BytesIO(b"evil"))
        return False

    return change


def _drop_the_manifest(out, name, data):
    return name == "manifest.json"


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (_flip_a_raw_byte, "does not match its manifest's checksum"),
        (_member("../evil"), "'../evil'"),
        (_member("/tmp/evil-accueil-restore"), "'/tmp/evil-accueil-restore'"),
        (_member("raw/ab/evil", tarfile.SYMTYPE, "/etc/passwd"), "links and devices are refused"),
        (_member("raw/ab/evil", tarfile.LNKTYPE, "control.sqlite"), "links and devices are refused"),
        (_member("dagster/dagster.yaml"), "not part of a home's state"),
        (_drop_the_manifest, "has no manifest.json"),
    ],
    ids=["flipped-byte", "dot-dot", "absolute", "symlink", "hardlink", "elsewhere-in-home", "no-manifest"],
)
def test_a_damaged_or_crafted_backup_is_refused_and_nothing_is_written(lifecycle, tmp_path, change, said):
    crafted = tmp_path / "crafted.tar.gz"
    _repack(lifecycle.backup, crafted, change)
    result = CliRunner().invoke(cli, ["restore", str(crafted)])
    assert result.exit_code == 2, result.output
    assert said in result.output and len(result.output.strip().splitlines()) == 1
    assert not config.home().exists()
    assert not (tmp_path / "evil").exists() and not Path("/tmp/evil-accueil-restore").exists()


def test_a_restore_elsewhere_points_the_register_at_its_own_reports_and_force_replaces_a_home(lifecycle):
    result = CliRunner().invoke(cli, ["restore", str(lifecycle.backup)])
    assert result.exit_code == 0, result.output
    with control.connect() as con:
        uploads = control.uploads(con)
    assert all(Path(u.report_html).is_file() and Path(u.report_html).is_relative_to(config.home()) for u in uploads)
    assert {u.status for u in uploads} == {"accepted"}  # loaded ones wait for the next build
    stray = config.raw_dir() / "00" / "stray"
    stray.parent.mkdir()
    stray.write_bytes(b"not in the backup")
    config.warehouse_path().write_bytes(b"a working warehouse of another register")
    assert CliRunner().invoke(cli, ["restore", str(lifecycle.backup)]).exit_code == 2
    result = CliRunner().invoke(cli, ["restore", "--force", str(lifecycle.backup)])
    assert result.exit_code == 0, result.output
    assert not stray.exists() and not any(config.home().glob(".restore-*"))
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as con:  # the baselines audited last
        assert con.execute("select count(*) from raw.indicator_baseline_state").fetchone()[0] > 0


def test_what_a_killed_restore_or_backup_left_is_cleared_by_the_next_restore(lifecycle, tmp_path):
    """A restore killed while it unpacks (its backup read from a pipe that stops halfway, so the
    kill lands mid-unpack every time) leaves its unpacked files in the home.  The next restore
    removes them and a killed backup's copy of the register, keeps whole a folder that holds a
    home's former state, and leaves alone the folder of a restore that is still running; a
    restore that refuses its backup leaves them all."""
    home = config.home()
    pipe = tmp_path / "arriving.tar.gz"
    os.mkfifo(pipe)
    env = {**os.environ, "ACCUEIL_HOME": str(home)}
    said = tmp_path / "restore.log"  # a file, not a pipe this test would have to drain
    with said.open("w") as log:
        restoring = subprocess.Popen(
            [sys.executable, "-m", "accueil.cli", "restore", str(pipe)], env=env, stdout=log, stderr=log
        )
    archive = lifecycle.backup.read_bytes()
    deadline = time.monotonic() + 60
    while True:  # the restore opens the pipe after it made its folder; until then there is no reader
        try:
            end = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError:
            assert restoring.poll() is None, said.read_text()
            assert time.monotonic() < deadline, "the restore never opened its backup"
            time.sleep(0.05)
    os.set_blocking(end, True)
    with os.fdopen(end, "wb") as writer:
        writer.write(archive[: len(archive) // 2])
        writer.flush()
        while not any(path.is_file() for path in home.glob(".restore-*/files/**/*")):
            assert restoring.poll() is None, said.read_text()
            assert time.monotonic() < deadline, "the restore unpacked nothing"
            time.sleep(0.05)
        restoring.send_signal(signal.SIGKILL)
        restoring.wait(timeout=30)
    (killed,) = home.glob(".restore-*")
    assert any(path.is_file() for path in killed.rglob("*"))
    # A backup killed after it copied the register; a restore killed while it swapped files in;
    # and a restore still running (its folder locked by this test, as a restore locks it).
    (home / ".backup-killed").mkdir()
    (home / ".backup-killed" / "control.sqlite").write_bytes(b"a copy of the register")
    (home / ".restore-swapping" / "replaced").mkdir(parents=True)
    (home / ".restore-swapping" / "replaced" / "control.sqlite").write_bytes(b"the home's former register")
    (home / ".restore-running").mkdir()
    # A refused restore changes nothing, these folders included.
    damaged = tmp_path / "damaged.tar.gz"
    _repack(lifecycle.backup, damaged, _flip_a_raw_byte)
    assert CliRunner().invoke(cli, ["restore", str(damaged)]).exit_code == 2
    assert killed.is_dir() and (home / ".backup-killed").is_dir() and (home / ".restore-swapping").is_dir()
    running = os.open(home / ".restore-running", os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(running, fcntl.LOCK_EX)
        result = CliRunner().invoke(cli, ["restore", str(lifecycle.backup)])
    finally:
        os.close(running)
    assert result.exit_code == 0, result.output
    assert f"First, removed the files an interrupted restore had unpacked ({killed.name})." in result.output
    assert "First, removed the copy of the register an interrupted backup had made (.backup-killed)." in result.output
    former = home / ".restore-swapping-former"
    assert f"the home's former state is in {former}" in result.output
    assert (former / "replaced" / "control.sqlite").read_bytes() == b"the home's former register"
    assert sorted(path.name for path in home.glob(".*")) == [".restore-running", ".restore-swapping-former"]
    assert control.path().is_file()  # the restore itself went through
    # A build, and a start of the service, clear them too (under the build lock); the folder this
    # test held is no longer held.
    from orchestration.build import clear_leftovers

    (home / ".backup-again").mkdir()
    assert clear_leftovers() == [
        "removed the copy of the register an interrupted backup had made (.backup-again)",
        "removed the files an interrupted restore had unpacked (.restore-running)",
    ]
    assert sorted(path.name for path in home.glob(".*")) == [".restore-swapping-former"]


def test_a_failed_backup_leaves_nothing_under_its_name(monkeypatch, tmp_path):
    out = tmp_path / "out" / "backup.tar.gz"
    out.parent.mkdir()
    result = CliRunner().invoke(cli, ["backup", "--out", str(out)])
    assert result.exit_code == 2 and "nothing to back up" in result.output  # no register yet
    with control.connect() as con:
        control.audit(con, "test", "something")
    config.raw_dir().mkdir()
    (config.raw_dir() / "file").write_bytes(os.urandom(1 << 16))

    def broken(*args):
        raise OSError("the disk is full")

    monkeypatch.setattr(ops, "_manifest", broken)
    result = CliRunner().invoke(cli, ["backup", "--out", str(out)])
    assert result.exit_code != 0 and list(out.parent.iterdir()) == []
    assert not any(config.home().glob(".backup-*"))
    with control.connect() as con:
        assert con.execute("select count(*) from audit_log where action = 'backup'").fetchone()[0] == 0
