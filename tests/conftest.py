from __future__ import annotations

import fcntl
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from accueil.generate import GenerateOptions, generate

FIXTURES = Path(__file__).parent / "fixtures"
ICARE_WORKBOOK = FIXTURES / "icare" / "iCARE_template_with_examples.xlsx"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Groups for `pytest -n N --dist loadgroup` (make test): a module's tests stay in one worker,
    so its module fixtures are built once, and every module that reads the session's sample
    warehouse shares one worker, so that warehouse is built once.

    First among the hooks: pytest-xdist's own hook turns the markers into the node ids'
    `@group` suffix that it schedules by, and ignores markers added after it (checked by
    tests/test_conftest_groups.py)."""
    sample = {item.module.__name__ for item in items if "sample_warehouse" in item.fixturenames}
    for item in items:
        module = item.module.__name__
        item.add_marker(pytest.mark.xdist_group("sample-warehouse" if module in sample else module))


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """No test reads or writes the developer's own ./data."""
    monkeypatch.setenv("ACCUEIL_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GX_ANALYTICS_ENABLED", "false")


@pytest.fixture(autouse=True)
def _main_module_restored():
    """Streamlit's AppTest leaves its script installed as sys.modules["__main__"]; a later
    test that starts spawn workers (accueil.ingest.batch) would then have every worker run
    the dashboard as its main module, and the pool breaks.  Put the real one back."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture
def cheap_hashes(monkeypatch):
    """argon2id at its cheapest cost, for tests that sign in or hash often: the production cost
    (about 0.15 s a hash) is not what they test."""
    from argon2 import PasswordHasher, profiles

    from accueil.auth import passwords

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher.from_parameters(profiles.CHEAPEST))
    passwords._decoy_hash.cache_clear()
    yield
    passwords._decoy_hash.cache_clear()


def _generated_once(tmp_path_factory, worker_id: str, name: str, options: dict) -> Path:
    """A region generated once for the whole run, not once per xdist worker: the workers share
    the parent of their own temporary folders, and the first to come generates under a lock
    while the other waits.  Tests only read a region (they copy a file before changing it)."""
    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        root = root.parent
    out = root / name
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = root / f"{name}.done"  # beside it: tests list the region's own files
        if not done.exists():
            shutil.rmtree(out, ignore_errors=True)
            generate(GenerateOptions(out=out, **options))
            done.touch()
    return out


@pytest.fixture(scope="session")
def sample_region(tmp_path_factory, worker_id) -> tuple[Path, dict]:
    """The default sample region (12 agencies, 8 quarters, 20,000 clients), generated once."""
    out = _generated_once(tmp_path_factory, worker_id, "sample-region", {})
    return out, json.loads((out / "truth.json").read_text())


@pytest.fixture(scope="session")
def small_region(tmp_path_factory, worker_id) -> Path:
    return _generated_once(
        tmp_path_factory, worker_id, "small-region", {"agencies": 3, "quarters": 2, "clients": 600, "seed": 7}
    )


def pytest_report_header(config):
    return f"ACCUEIL_HOME is isolated per test (was {os.environ.get('ACCUEIL_HOME', 'unset')})"


@pytest.fixture(scope="session")
def sample_warehouse(sample_region, tmp_path_factory):
    """The sample region uploaded, loaded, built and published: (home, region, truth).

    Built as a partnership builds it: every quarter but the last, then the last quarter's
    extracts in a second, incremental build (tests/test_incremental.py compares the result
    with a full rebuild)."""
    from accueil.ingest.batch import submit_folder
    from accueil.ingest.submit import submit_agencies
    from accueil.ingest.survey import submit_survey
    from orchestration.build import run_build

    region, truth = sample_region
    home = tmp_path_factory.mktemp("sample-home")
    last = max(truth["quarters"])
    arrivals = {"earlier": tmp_path_factory.mktemp("earlier-quarters"), "last": tmp_path_factory.mktemp("last-quarter")}
    for path in region.glob("AG*_*.xlsx"):
        shutil.copy2(path, arrivals["last" if path.stem.endswith(f"_{last}") else "earlier"])
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ACCUEIL_HOME", str(home))
        assert submit_agencies(region / "agencies.xlsx", user="test").accepted
        # The client feedback files, through their door, loaded by the first build.
        surveys = [
            submit_survey(region / name, name.split("/")[-1].split("_")[0], "test")
            for name in truth["surveys"]["files"]
        ]
        assert all(s.upload.status == "accepted" for s in surveys), [s.upload.status for s in surveys]
        statuses = []
        for folder in arrivals.values():
            statuses += submit_folder(folder, user="test", jobs=2)
            run_build()
        rejected = [name for name, status, _ in statuses if status != "accepted"]
        assert not rejected and len(statuses) == 96, rejected
    return home, region, truth
