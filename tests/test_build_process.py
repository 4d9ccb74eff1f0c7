"""A build's processes and files under hostile use (issue 27).

A SIGKILLed `accueil build` takes its dbt with it, and the next build clears what it left
(a recorded dbt still holding the warehouse, a half-written snapshot copy, spill files) and
succeeds.  A build checks the free space before it starts.  A full disk gives one sentence,
no traceback, leaves the last snapshot served and nothing half-written behind.  The full
disk is real: a small tmpfs (skipped where mounting one is not permitted).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import psutil
import pytest

from accueil import config, control
from accueil.generate import GenerateOptions, generate
from orchestration import dbt_child

ACCUEIL = Path(sys.executable).parent / "accueil"
HOLDER = (
    "import sys, time, duckdb\n"
    "con = duckdb.connect(sys.argv[1])\n"  # read-write: DuckDB's lock on the file, as dbt holds it
    "print('ready', flush=True)\n"
    "time.sleep(600)\n"
)


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    """A small home with its uploads accepted and not built yet."""
    from accueil.ingest.submit import submit_agencies, submit_extract
    from accueil.quarters import Quarter

    region = tmp_path_factory.mktemp("process-region")
    generate(GenerateOptions(out=region, agencies=2, quarters=1, clients=300, seed=3))
    home = tmp_path_factory.mktemp("process-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ACCUEIL_HOME", str(home))
        assert submit_agencies(region / "agencies.xlsx", user="t").accepted
        for agency in ("AG001", "AG002"):
            assert submit_extract(region / f"{agency}_2024Q1.xlsx", agency, Quarter.parse("2024Q1"), user="t").accepted
    return home


def _env(home: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "ACCUEIL_HOME": str(home), **extra}


def _accueil(home: Path, *args: str, timeout: float = 300, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ACCUEIL), *args], env=_env(home, **extra), capture_output=True, text=True, timeout=timeout
    )


def _one_sentence(result: subprocess.CompletedProcess, *words: str) -> str:
    """The command failed with one line on standard error, no traceback, naming `words`."""
    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr[-3000:]
    assert all(word in lines[0] for word in words), lines[0]
    return lines[0]


def _holder(path: Path) -> subprocess.Popen:
    """Another process with the DuckDB file open for writing, as a dbt left running holds it."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def _stopped(proc: subprocess.Popen) -> bool:
    """Whether the process was stopped (psutil reaps a child of this process itself: no exit code is left to check)."""
    proc.wait(timeout=10)
    return not psutil.pid_exists(proc.pid)


def _live_in_group(pgid: int, timeout: float = 10) -> list[list[str]]:
    """The processes of a process group still running (not zombies: a container's init may not reap
    them), after Dagster's own watchers have had `timeout` seconds to stop its log tails."""
    deadline = time.monotonic() + timeout
    while True:
        live = []
        for proc in psutil.process_iter(["status", "cmdline"]):
            with contextlib.suppress(OSError, psutil.Error):
                if os.getpgid(proc.pid) == pgid and proc.info["status"] != psutil.STATUS_ZOMBIE:
                    live.append(proc.info["cmdline"])
        if not live or time.monotonic() > deadline:
            return live
        time.sleep(0.2)


def _sleeper() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])


def _dbt_child_of(proc: subprocess.Popen, timeout: float = 240) -> psutil.Process:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the build ended before it started dbt"
        for child in psutil.Process(proc.pid).children(recursive=True):
            try:
                command = child.cmdline()
            except psutil.Error:
                continue
            if any(part.endswith("/dbt") for part in command[:2]) and "build" in command:
                return child
        time.sleep(0.2)
    raise AssertionError("dbt did not start")


def _leftovers(home: Path) -> list[str]:
    found = [p for p in home.rglob("*") if ".partial" in p.name or p.name.endswith(".duckdb.tmp")]
    found += [p for p in (home / "dbt-target").glob("*") if p.is_dir()]
    found += [p for p in [home / "dbt.pid"] if p.exists()]
    return sorted(str(p.relative_to(home)) for p in found)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_a_killed_build_takes_its_dbt_with_it_and_the_next_build_clears_what_it_left(home):
    build = subprocess.Popen(
        [str(ACCUEIL), "build"],
        env=_env(home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own group, for the clean-up below only: the test kills the parent alone
    )
    holder = None
    try:
        dbt = _dbt_child_of(build)
        assert json.loads((home / "dbt.pid").read_text())["pid"] == dbt.pid
        os.kill(build.pid, signal.SIGKILL)
        build.wait(timeout=10)
        _, alive = psutil.wait_procs([dbt], timeout=5)
        assert not alive, "dbt outlived the build that started it"
        assert _live_in_group(build.pid) == []  # nothing else the killed build started is left either

        # What the death signal cannot cover (another system; a parent killed before dbt asked for it):
        # a recorded dbt still holding the warehouse, plus a half-written snapshot copy and spill files.
        holder = _holder(home / "warehouse.duckdb")
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("ACCUEIL_HOME", str(home))
            dbt_child.record(holder.pid)
        (home / "published").mkdir(exist_ok=True)
        (home / "published" / ".warehouse.duckdb.4242.partial").write_bytes(b"\0" * 100_000)
        (home / "warehouse.duckdb.tmp").mkdir()
        (home / "warehouse.duckdb.tmp" / "duckdb_temp_storage-0.tmp").write_bytes(b"\0" * 1000)

        result = _accueil(home, "build")
        assert result.returncode == 0, result.stderr[-3000:]
        assert "Published:" in result.stdout and "Traceback" not in result.stderr
        assert _stopped(holder)
        assert _leftovers(home) == []
        with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as con:
            assert con.execute("select count(*) from marts.fct_extract_loads").fetchone()[0] == 2
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("ACCUEIL_HOME", str(home))
            with control.connect() as con:
                statuses = [b.status for b in control.builds(con, limit=2)]
        assert statuses == ["succeeded", "interrupted"]
        # The build closed its Dagster instance as it ended: the event log's index has no write-ahead
        # log left (the killed build's was taken in), and a command's steps start no output capture.
        assert not (home / "dagster" / "history" / "runs" / "index.db-wal").exists()
        assert not list((home / "dagster").glob("storage/*/compute_logs/*"))
    finally:
        for proc in (build, holder):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(build.pid, signal.SIGKILL)


def test_a_build_refuses_to_start_without_the_room_it_needs(home):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ACCUEIL_HOME", str(home))
        with control.connect() as con:
            before = control.builds(con, limit=1)
    result = _accueil(home, "build", ACCUEIL_BUILD_MIN_FREE="1000TB", timeout=60)
    sentence = _one_sentence(result, "free on the disk that holds", "a build needs at least 1000.0 TB")
    assert "ACCUEIL_BUILD_FREE_FACTOR" in sentence
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ACCUEIL_HOME", str(home))
        with control.connect() as con:
            refused = control.builds(con, limit=1)[0]
    # Recorded as a failed build (the agency page and `accueil status` say why), and nothing ran.
    assert refused.build_id != (before[0].build_id if before else None)
    assert refused.status == "failed" and refused.error in sentence
    assert _leftovers(home) == []


def test_the_free_space_a_build_needs_follows_the_warehouse_and_the_settings(tmp_path, monkeypatch):
    from accueil.ops import disk

    monkeypatch.setenv("ACCUEIL_HOME", str(tmp_path))
    assert disk.needed_for_build() == 100_000_000  # no warehouse yet: the floor
    config.warehouse_path().write_bytes(b"\0" * 1_000_000)
    monkeypatch.setenv("ACCUEIL_BUILD_MIN_FREE", "1MB")
    assert disk.needed_for_build() == 2_000_000
    monkeypatch.setenv("ACCUEIL_BUILD_FREE_FACTOR", "3.5")
    assert disk.needed_for_build() == 3_500_000
    monkeypatch.setenv("ACCUEIL_BUILD_FREE_FACTOR", "lots")
    with pytest.raises(ValueError, match="ACCUEIL_BUILD_FREE_FACTOR must be a number"):
        disk.needed_for_build()


@pytest.fixture
def small_disk(tmp_path):
    """A real small filesystem (tmpfs), sized by the test; skipped where mounting is not permitted."""
    mounted = []

    def mount(size_bytes: int) -> Path:
        target = tmp_path / "disk"
        target.mkdir()
        result = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_bytes // 1024}k,mode=700", "tmpfs", str(target)],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            pytest.skip(f"cannot mount a small tmpfs here: {result.stderr.strip()}")
        mounted.append(target)
        return target

    yield mount
    for target in mounted:
        subprocess.run(["umount", "-l", str(target)], check=False)


def _fill(folder: Path) -> Path:
    """Write a file until the disk is full."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as handle:
        for size in (1 << 16, 4096, 512, 1):
            try:
                while handle.write(b"\0" * size):
                    pass
            except OSError:
                continue
    return filler


def _disk_use(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


@pytest.mark.slow
def test_a_full_disk_stops_a_build_in_one_sentence_and_keeps_the_last_snapshot_served(home, small_disk):
    if not (home / "published" / "warehouse.duckdb").exists():  # the kill test did not run first
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("ACCUEIL_HOME", str(home))
            from orchestration.build import run_build

            run_build()
    # The built home on a disk with a few MB to spare: too little for dbt to rebuild the models.
    disk = small_disk(_disk_use(home) + 4_500_000)
    full_home = disk / "home"
    shutil.copytree(home, full_home)
    snapshot = full_home / "published" / "warehouse.duckdb"
    published = _sha256(snapshot), (full_home / "published" / "manifest.json").read_text()
    free_before = shutil.disk_usage(disk).free
    assert free_before < 8_000_000

    # The check before the build would refuse: it is set aside, so that the disk fills during the build.
    result = _accueil(full_home, "build", ACCUEIL_BUILD_MIN_FREE="0", ACCUEIL_BUILD_FREE_FACTOR="0")
    _one_sentence(result, f"the disk that holds {full_home} is full", "the last published snapshot is still")
    assert (_sha256(snapshot), (full_home / "published" / "manifest.json").read_text()) == published
    assert _leftovers(full_home) == []
    # What the build wrote before the disk filled is gone: the disk is not left full.
    assert shutil.disk_usage(disk).free > free_before - 1_500_000
    running = [p for p in psutil.process_iter(["environ"]) if (p.info["environ"] or {}).get("ACCUEIL_HOME")]
    assert not [p for p in running if p.info["environ"]["ACCUEIL_HOME"] == str(full_home)]

    # With the room check on, the next build is refused before it starts.
    _one_sentence(_accueil(full_home, "build", timeout=60), "is free on the disk that holds", "a build needs")

    # `accueil sql` on a full disk: one sentence, and no result its audit row would be missing for.
    filler = _fill(disk)
    result = _accueil(full_home, "sql", "select count(*) as n from marts.fct_extract_loads", timeout=60)
    _one_sentence(result, f"the disk that holds {full_home} is full", "nothing was shown")
    assert result.stdout == ""
    filler.unlink()
    # The last snapshot is still the one served.
    served = _accueil(full_home, "sql", "select count(*) as n from marts.fct_extract_loads", timeout=60)
    assert served.returncode == 0 and served.stdout.split() == ["n", "2"], served.stderr


def test_a_publish_that_fills_the_disk_leaves_no_partial_copy_and_the_snapshot_as_it_was(
    tmp_path, small_disk, monkeypatch
):
    from accueil.ops.disk import is_full_error
    from accueil.publish import publish

    made = tmp_path / "warehouse.duckdb"
    # A warehouse of a few MB, nearly all of it in a mart the snapshot publishes: over one row group
    # (122,880 rows), which DuckDB writes straight to the new file, not through its WAL first.
    with duckdb.connect(str(made)) as con:
        con.execute("create schema raw; create schema marts")
        con.execute(
            "create table raw.loads as select 'extract' as kind, 'AG001' as agency_cd, '2024Q1' as quarter,"
            " 1 as upload_id, 'x' as sha256"
        )
        con.execute("create table marts.filler as select md5(i::varchar) as m from range(300000) t(i)")
    size = made.stat().st_size
    # Room for the warehouse and one snapshot, not for the copy a second publish makes beside it.
    disk = small_disk(int(size * 2.5) + 1_000_000)
    monkeypatch.setenv("ACCUEIL_HOME", str(disk / "home"))
    config.home().mkdir()
    shutil.copyfile(made, config.warehouse_path())
    publish()
    snapshot = config.published_path()
    before = _sha256(snapshot), (snapshot.parent / "manifest.json").read_text()
    assert shutil.disk_usage(disk).free < snapshot.stat().st_size
    with pytest.raises(OSError) as raised:
        publish()
    assert is_full_error(raised.value)
    assert (_sha256(snapshot), (snapshot.parent / "manifest.json").read_text()) == before
    assert sorted(p.name for p in snapshot.parent.iterdir()) == ["manifest.json", "warehouse.duckdb"]


def test_a_recorded_process_is_stopped_only_if_it_is_the_one_recorded(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCUEIL_HOME", str(tmp_path))
    other = _sleeper()
    try:
        # Same pid, another start time: a later process that took the pid, left alone.
        dbt_child.pid_file().write_text(json.dumps({"pid": other.pid, "started": 1.0}))
        assert dbt_child.stop_orphans() == 0 and other.poll() is None
        assert not dbt_child.pid_file().exists()
        dbt_child.record(other.pid)
        assert dbt_child.stop_orphans() == 1
        assert _stopped(other)
    finally:
        if other.poll() is None:
            other.kill()


def test_the_dbt_wrapper_stops_if_its_build_is_already_gone():
    result = subprocess.run(
        [str(dbt_child.WRAPPER), "--version"],
        env={**os.environ, dbt_child.PARENT_ENV: "1"},  # not its parent: the build that started it is gone
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and "already stopped" in result.stderr


def test_the_service_start_clears_what_a_killed_build_left(tmp_path, monkeypatch):
    from accueil.service.supervisor import prepare

    monkeypatch.setenv("ACCUEIL_HOME", str(tmp_path))
    holder = _holder(config.warehouse_path())
    try:
        dbt_child.record(holder.pid)
        config.published_path().parent.mkdir()
        partial = config.published_path().with_name(".warehouse.duckdb.4242.partial")
        partial.write_bytes(b"\0" * 1000)
        said: list[str] = []
        prepare(said.append)
        assert _stopped(holder)
        assert not partial.exists() and not dbt_child.pid_file().exists()
        assert any("stopped the dbt an interrupted build left running" in line for line in said), said
        with duckdb.connect(str(config.warehouse_path())) as con:  # the warehouse is free again
            con.execute("select 1").fetchone()
    finally:
        if holder.poll() is None:
            holder.kill()
