"""How far the running build's dbt has got (accueil/build_progress.py): counted from dbt's own lines,
recorded for the build's row of the register, and drawn on the agency page while its upload is built.

tests/test_incremental.py holds a real build's count to dbt's own summary of what it ran.
"""

from __future__ import annotations

import os

from click.testing import CliRunner

from accueil import build_progress, control
from accueil.build_progress import Progress, Recorder
from accueil.ingest.submit import submit_extract
from accueil.quarters import Quarter
from accueil.service.commands import status
from accueil.service.health import check
from orchestration.build import build_lock
from tests.test_dashboards import choose, open_page, writable_home  # noqa: F401 (a fixture)
from tests.workbooks import read_rows, write_rows

# dbt's events as (event name, message), worded as a sample build's log words them.
EVENTS = [
    ("LogHookStartLine", "1 of 2 START hook: accueil.on-run-start.0 .......... [RUN]"),
    ("LogHookEndLine", "1 of 2 OK hook: accueil.on-run-start.0 ............. [OK in 0.02s]"),
    ("LogStartLine", "1 of 4 START sql incremental model staging.stg_employment ... [RUN]"),
    ("LogModelResult", "1 of 4 OK created sql incremental model staging.stg_employment ... [OK in 0.30s]"),
    ("LogTestResult", "2 of 4 PASS unique_dim_period_period ........ [PASS in 0.05s]"),
    ("MainReportVersion", "Running with dbt=1.11.16"),
]
MORE = [
    ("LogTestResult", "3 of 4 FAIL 2 assert_outputs_add_up ........ [FAIL 2 in 0.05s]"),
    ("SkippingDetails", "4 of 4 SKIP relation marts.fct_outputs ........ [SKIP]"),
    ("LogHookEndLine", "1 of 1 OK hook: accueil.on-run-end.0 ........ [OK in 0.02s]"),
]


def test_the_count_is_of_the_nodes_dbt_finished_and_kept_for_its_build():
    recorder = Recorder(build_id=7, every=3600)
    # A new build's file says so before dbt's first node: no count of the last build is left.
    assert build_progress.read() == Progress(7, 0, 0)
    for name, message in EVENTS:
        recorder.see(name, message)
    assert recorder.progress() == Progress(7, 2, 4)  # the hooks and the start lines are not nodes
    assert build_progress.read() == Progress(7, 0, 0)  # written at most every `every` seconds...
    assert build_progress.of_build(7) is None  # nothing counted yet
    for name, message in MORE:
        recorder.see(name, message)
    recorder.close()  # ...and always at the end
    assert build_progress.read() == Progress(7, 4, 4)  # a failed test and a skipped model are finished too
    assert build_progress.of_build(7) == Progress(7, 4, 4)
    assert build_progress.of_build(8) is None  # another build's count is not this one's


def test_a_disk_that_refuses_the_file_costs_the_bar_not_the_build():
    logs = build_progress.path().parent
    logs.parent.mkdir(parents=True, exist_ok=True)
    logs.write_text("a file where the folder should be")
    recorder = Recorder(build_id=1, every=0)
    for name, message in EVENTS:
        recorder.see(name, message)
    recorder.close()
    assert build_progress.read() is None
    assert sorted(p.name for p in logs.parent.iterdir()) == ["logs"]  # no partial file left beside it


def test_the_agency_page_and_the_status_show_the_running_builds_progress(writable_home, sample_region, tmp_path):  # noqa: F811
    region, _ = sample_region
    good = write_rows(tmp_path / "AG003_2025Q4.xlsx", read_rows(region / "AG003_2025Q4.xlsx"))  # new bytes
    assert submit_extract(good, "AG003", Quarter.parse("2025Q4"), user="t").accepted
    # A build holds the home's lock, with its row in the register, as the service's run does.
    with build_lock():
        with control.connect() as con:
            build = control.build_started(con, "service", os.getpid())
        recorder = Recorder(build, every=0)
        at = choose(open_page("agency"), "a_agency", "AG003")
        assert "Building" in at.info[0].value and not at.progress  # dbt has not started on its nodes
        for name, message in EVENTS:
            recorder.see(name, message)
        at.run()
        (bar,) = at.progress
        assert (bar.value, bar.text) == (50, "Building the figures: 2 of 4 models and tests done.")
        at = choose(open_page("agency", lang="fr"), "a_agency", "AG003", lang="fr")
        (bar,) = at.progress
        assert (bar.value, bar.text) == (50, "Calcul des chiffres : 2 modèles et tests terminés sur 4.")
        # The operator's report says the same: `accueil status` and /api/health.
        assert check().build_progress == {"done": 2, "total": 4}
        shown = CliRunner().invoke(status, [])
        assert "Build:             running now (dbt: 2 of 4 models and tests done)" in shown.output, shown.output
        # A count left by another build is not this one's.
        Recorder(build + 1).close()
        assert not at.run().progress
