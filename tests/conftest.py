from __future__ import annotations

import fcntl
import json
import os
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from accueil.generate import GenerateOptions, generate

FIXTURES = Path(__file__).parent / "fixtures"
ICARE_WORKBOOK = FIXTURES / "icare" / "iCARE_template_with_examples.xlsx"


# The modules that take longest, longest first: `make test` hands modules to its workers in this
# order (`--no-loadscope-reorder`), so that the long ones start early and the short ones fill in
# at the end, and the workers finish together (longest processing time first).  Figures from
# `make test` (--durations); a module not listed comes after these, in collection order.
# The second is one that builds its own warehouses: the first worker's opening minutes go to
# building the session's sample (`sample_warehouse`), and a second worker that began with a
# module reading it would only wait (about 150 s, seen with --durations).
LONGEST_FIRST = (
    "tests.test_dashboards_browser",
    "tests.test_bench",
    "tests.test_dashboards_tour",
    "tests.test_service",
    "tests.test_build_process",
    "tests.test_dashboards",
    "tests.test_incremental",
    "tests.test_ingest",
    "tests.test_backup",
    "tests.test_orchestration",
    "tests.test_indicators",
    "tests.test_access",
    "tests.test_measures",
)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Groups for `pytest -n N --dist loadgroup` (make test): a module's tests stay in one worker,
    so its module fixtures are built once.  The session's sample warehouse is built once for the
    whole run (`sample_warehouse`), so the modules that read it spread over the workers.

    First among the hooks: pytest-xdist's own hook turns the markers into the node ids'
    `@group` suffix that it schedules by, and ignores markers added after it (checked by
    tests/test_conftest_groups.py)."""
    rank = {module: i for i, module in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.module.__name__, len(rank)))  # stable: collection order within
    for item in items:
        item.add_marker(pytest.mark.xdist_group(item.module.__name__))


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


def _shared_root(tmp_path_factory, worker_id: str) -> Path:
    """The parent of the xdist workers' own temporary folders, which they all see."""
    root = tmp_path_factory.getbasetemp()
    return root if worker_id == "master" else root.parent


@contextmanager
def _once(root: Path, name: str):
    """Yields whether this process must make `root/name`: the first process to come makes it
    under a lock while the others wait, then find it made."""
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = root / f"{name}.done"  # beside it: tests list a region's own files
        make = not done.exists()
        if make:
            shutil.rmtree(root / name, ignore_errors=True)
        yield make
        if make:
            done.touch()


def _generated_once(tmp_path_factory, worker_id: str, name: str, options: dict) -> Path:
    """A region generated once for the whole run, not once per xdist worker.  Tests only read a
    region (they copy a file before changing it)."""
    root = _shared_root(tmp_path_factory, worker_id)
    with _once(root, name) as make:
        if make:
            generate(GenerateOptions(out=root / name, **options))
    return root / name


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


@pytest.fixture(scope="session")
def sample_reference_rates(sample_region, tmp_path_factory, worker_id) -> Path:
    """The sample's outcome rates recomputed independently of the warehouse, from the files
    (tests/reference_measures.py), once for the whole run: a pickle that each module reading it
    loads as its own frame.  tests/test_measures.py and tests/test_indicators.py both hold the
    warehouse to it, often from different workers, and it costs about 25 s to compute."""
    import pandas as pd

    from accueil.quarters import Quarter
    from tests.reference_measures import outcome_rates

    region, truth = sample_region
    root = _shared_root(tmp_path_factory, worker_id)
    path = root / "sample-reference-rates" / "rates.pkl"
    with _once(root, "sample-reference-rates") as make:
        if make:
            path.parent.mkdir()
            outcome_rates(region, pd.Timestamp(Quarter.parse(truth["quarters"][-1]).end)).to_pickle(path)
    return path


def pytest_report_header(config):
    return f"ACCUEIL_HOME is isolated per test (was {os.environ.get('ACCUEIL_HOME', 'unset')})"


@pytest.fixture(scope="session")
def sample_warehouse(sample_region, tmp_path_factory, worker_id):
    """The sample region uploaded, loaded, built and published: (home, region, truth).

    Built once for the whole run, by the first worker that needs it, while the others wait:
    tests only read it.  A test that writes (uploads, signs in, builds) works on a copy or on
    links to it with its own copy of the register (tests/test_dashboards.py, make_home).

    Built as a partnership builds it: every quarter but the last, then the last quarter's
    extracts in a second, incremental build (tests/test_incremental.py compares the result
    with a full rebuild)."""
    region, truth = sample_region
    root = _shared_root(tmp_path_factory, worker_id)
    home = root / "sample-home"
    with _once(root, "sample-home") as make:
        if make:
            _build_sample(region, truth, home, root / "sample-arrivals")
    return home, region, truth


def _build_sample(region: Path, truth: dict, home: Path, arrivals: Path) -> None:
    from accueil.ingest.batch import submit_folder
    from accueil.ingest.submit import submit_agencies
    from accueil.ingest.survey import submit_survey
    from orchestration.build import run_build

    last = max(truth["quarters"])
    shutil.rmtree(arrivals, ignore_errors=True)
    folders = {"earlier": arrivals / "earlier-quarters", "last": arrivals / "last-quarter"}
    for folder in folders.values():
        folder.mkdir(parents=True)
    for path in region.glob("AG*_*.xlsx"):
        shutil.copy2(path, folders["last" if path.stem.endswith(f"_{last}") else "earlier"])
    home.mkdir()
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
        for folder in folders.values():
            statuses += submit_folder(folder, user="test", jobs=2)
            run_build()
        rejected = [name for name, status, _ in statuses if status != "accepted"]
        assert not rejected and len(statuses) == 96, rejected
