"""`accueil serve` as a partnership runs it: uploads published with no command typed, one writer
whatever starts a build, and a service killed mid-build that recovers at its next start.

One real service on a small region (2 agencies, 1 quarter): the reference and AG001 are built
by hand first; AG002's extract is then published by the service alone while a hand-run
`accueil build` is refused; the service is killed while it builds a correction, and the
next start publishes it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import duckdb
import pytest

from accueil import build_progress, config, control, publication
from accueil.bench.service_path import service_split
from accueil.generate import GenerateOptions, generate
from tests.service_process import Service
from tests.service_process import until as _until
from tests.workbooks import mutate

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("service-region")
    generate(GenerateOptions(out=out, agencies=2, quarters=1, clients=300, seed=3))
    return out


@pytest.fixture(scope="module")
def home(region, tmp_path_factory):
    """A home with the reference and AG001 published by `accueil build`, before any service ran."""
    from accueil.ingest.submit import submit_agencies, submit_extract
    from accueil.quarters import Quarter
    from orchestration.build import run_build

    home = tmp_path_factory.mktemp("service-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ACCUEIL_HOME", str(home))
        assert submit_agencies(region / "agencies.xlsx", user="t").accepted
        assert submit_extract(region / "AG001_2024Q1.xlsx", "AG001", Quarter.parse("2024Q1"), user="t").accepted
        run_build()
    return home


def _accueil(*args: str, home: Path, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "ACCUEIL_HOME": str(home), "GX_ANALYTICS_ENABLED": "false"}
    return subprocess.run(
        [sys.executable, "-m", "accueil.cli", *args], env=env, capture_output=True, text=True, **kwargs
    )


def _upload_id(home: Path, agency: str) -> int:
    with control.connect() as con:
        return max(u.upload_id for u in control.uploads(con, kind="extract", agency=agency))


def _snapshot_counts(home: Path) -> dict[str, int]:
    """Rows per agency in the published snapshot, read as a dashboard reads it."""
    with duckdb.connect(str(config.published_path()), read_only=True) as con:
        return dict(
            con.execute(
                "select agency_code, sum(row_count) from marts.fct_extract_completeness"
                " where table_name = 'info_orientation' and column_name = 'record_id' group by 1"
            ).fetchall()
        )


def test_uploads_publish_by_themselves_one_writer_and_recovery_after_a_kill(home, region, tmp_path, monkeypatch):
    monkeypatch.setenv("ACCUEIL_HOME", str(home))
    log = tmp_path / "serve.log"
    service = Service(home, log)
    try:
        _until(lambda: service.health()[1]["daemon_heartbeat_age_s"] is not None, 90, "the daemon's first heartbeat")
        status, report = service.health()
        assert status == 200 and report["healthy"], report
        assert _accueil("status", home=home).returncode == 0

        _sign_in_routes(service.url, home)

        # A second service for the same home is refused in one sentence.
        second = _accueil("serve", "--port", "1", home=home, timeout=120)
        assert second.returncode == 1 and "already running" in second.stderr

        # AG002 uploaded by the command line: the service loads, builds and publishes it alone.
        started, sent = time.monotonic(), time.time()
        upload = _accueil(
            "upload", str(region / "AG002_2024Q1.xlsx"), "--agency", "AG002", "--quarter", "2024Q1", home=home
        )
        accepted = time.time()
        assert upload.returncode == 0, upload.stdout
        ag002 = _upload_id(home, "AG002")
        _until(publication.build_running, 90, "the service to start building")
        before = config.published_path().read_bytes()
        # A build by hand while the service builds: refused in one sentence, nothing touched.
        manual = _accueil("build", home=home, timeout=300)
        assert manual.returncode == 1
        assert "another build is running" in manual.stderr and "Traceback" not in manual.stderr
        assert config.published_path().read_bytes() == before  # still the old, whole snapshot
        _until(lambda: ag002 in publication.published().upload_ids, 300, "AG002 to be published")
        published_after, seen = time.monotonic() - started, time.time()
        counts = _snapshot_counts(home)
        assert set(counts) == {"AG001", "AG002"}
        (tmp_path / "published_after_s.txt").write_text(f"{published_after:.1f}\n")
        print(f"upload to published by the service: {published_after:.1f} s")
        # The run's build record closes as the run ends, just after the publish.
        _until(lambda: publication.latest_build().status != "running", 60, "the service's build to finish")
        # Its time split as `accueil bench` splits the service's (accueil/bench/service_path.py), by the
        # run's own records: each part in its place, and the parts adding up to the whole.
        timed = service_split(ag002, sent, accepted, seen)
        print(f"split: {timed['split']}")
        assert sum(timed["split"].values()) == pytest.approx(timed["upload_to_published_s"], abs=0.01)
        assert all(part >= 0 for part in timed["split"].values()), timed
        assert timed["split"]["service_dbt_step_s"] > 0 and timed["split"]["service_run_start_s"] > 0
        last = publication.latest_build()
        assert (last.origin, last.status) == ("service", "succeeded")
        # The run counted dbt's nodes for the agency page as they finished, under its own build: all of them.
        progress = build_progress.read()
        assert progress.build_id == last.build_id and progress.done == progress.total > 0, progress

        # A correction of AG001 (one orientation service fewer); the daemon is killed mid-build.
        corrected = mutate(region / "AG001_2024Q1.xlsx", tmp_path / "AG001_2024Q1.xlsx", _drop_last_orientation)
        assert _accueil("upload", str(corrected), "--agency", "AG001", "--quarter", "2024Q1", home=home).returncode == 0
        fix = _upload_id(home, "AG001")
        _until(publication.build_running, 90, "the service to start building the correction")
        time.sleep(3)
        snapshot = config.published_path().read_bytes()
        os.killpg(service.child_pid("daemon"), signal.SIGKILL)  # the daemon, its run and dbt
        assert service.process.wait(timeout=60) != 0  # the rest of the service stops with it
        # The last good snapshot is still served, whole, and the service says it is down.
        assert config.published_path().read_bytes() == snapshot
        assert _snapshot_counts(home) == counts
        assert fix not in publication.published().upload_ids
        down = _accueil("status", home=home)
        assert down.returncode == 1 and "not running" in down.stdout

        # The next start recovers: the interrupted build is marked, and the correction published.
        service = Service(home, log)
        _until(lambda: fix in publication.published().upload_ids, 300, "the correction to be published")
        assert _snapshot_counts(home)["AG001"] == counts["AG001"] - 1
        # As above: the build record closes just after the publish.
        _until(lambda: publication.latest_build().status != "running", 60, "the recovery build to finish")
        with control.connect() as con:
            statuses = [b.status for b in control.builds(con, limit=3)]
        assert statuses[0] == "succeeded" and "interrupted" in statuses, statuses
        _until(lambda: service.health()[0] == 200, 60, "the service to report healthy")
    finally:
        code = service.stop()
    # Ctrl-C or SIGTERM stops every process of the service.
    assert code in (0, -signal.SIGTERM, 128 + signal.SIGTERM), log.read_text()[-2000:]
    assert "dashboards stopped" in log.read_text() and "daemon stopped" in log.read_text()


def _drop_last_orientation(rows) -> None:
    del rows["Info&Orien"][-1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _request(url: str, data: dict | None = None, cookie: str | None = None):
    """One request, redirects not followed: (status, headers, body)."""
    opener = urllib.request.build_opener(_NoRedirect)
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Cookie": cookie} if cookie else {})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def _sign_in_routes(url: str, home: Path) -> None:
    """The sign-in page and its cookie, over plain HTTP as a browser sends it."""
    password = "a service test password"
    added = _accueil("users", "add", "fay", "--role", "funder", home=home, input=password + "\n")
    assert added.returncode == 0, added.stderr
    # A page without a session goes to the sign-in page, which will come back to it.
    status, headers, _ = _request(f"{url}/funders?lang=fr")
    assert status == 303 and headers["location"] == "/signin?next=%2Ffunders%3Flang%3Dfr"
    status, _, page = _request(f"{url}/signin?next=%2Ffunders%3Flang%3Dfr")
    assert status == 200 and "Connexion à Accueil" in page and 'value="/funders?lang=fr"' in page
    # A wrong password: the form again, and no cookie.
    status, headers, page = _request(f"{url}/signin", {"name": "fay", "password": "wrong", "next": "/funders"})
    assert status == 401 and "Wrong user name or password." in page and "set-cookie" not in headers
    # A link that would lead off the site after sign-in goes home instead.
    status, headers, _ = _request(f"{url}/signin", {"name": "fay", "password": password, "next": "//evil.example/"})
    assert status == 303 and headers["location"] == "/"
    cookie = headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower() and "path=/" in cookie.lower()
    session = cookie.split(";")[0]
    assert session.startswith("accueil_session=")
    # With the cookie, the page is served; the token never appears in an address.
    status, _, _ = _request(f"{url}/funders?lang=fr", cookie=session)
    assert status == 200
    # A forged cookie, or one whose session ended, is no session.
    forged = session[:-4] + ("AAAA" if not session.endswith("AAAA") else "BBBB")
    assert _request(f"{url}/funders", cookie=forged)[0] == 303
    status, headers, _ = _request(f"{url}/signout", cookie=session)
    assert status == 303 and "max-age=0" in headers["set-cookie"].lower()  # the browser drops it
    assert _request(f"{url}/funders", cookie=session)[0] == 303
