"""Disclosure control at the access layer, the audit commands, and secrets kept out of the server side.

The scan runs on the sample region's real published snapshot; the planted cells go into
a copy of it, so the marts' own suppression is what the first test proves and the access
layer's second line is what the others prove.
"""

from __future__ import annotations

import ast
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

from accueil import access, auth, config, control
from accueil.access.disclosure import blank_small_cells, count_columns, small_cells
from accueil.auth import users
from accueil.cli import cli
from accueil.generate import partnership_key

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery"
pytestmark = pytest.mark.usefixtures("cheap_hashes")


def _link_home(source: Path, target: Path, monkeypatch) -> Path:
    target.mkdir()
    (target / "published").symlink_to(source / "published")
    shutil.copy2(source / "control.sqlite", target / "control.sqlite")
    monkeypatch.setenv("ACCUEIL_HOME", str(target))
    return target


@pytest.fixture
def sample_home(sample_warehouse, tmp_path, monkeypatch) -> Path:
    return _link_home(sample_warehouse[0], tmp_path / "home", monkeypatch)


@pytest.fixture
def planted(sample_warehouse, tmp_path, monkeypatch):
    """A copy of the sample snapshot with one small cell let through in two marts, as a faulty model would."""
    home = tmp_path / "planted"
    (home / "published").mkdir(parents=True)
    shutil.copy2(sample_warehouse[0] / "published" / "warehouse.duckdb", home / "published" / "warehouse.duckdb")
    shutil.copy2(sample_warehouse[0] / "control.sqlite", home / "control.sqlite")
    monkeypatch.setenv("ACCUEIL_HOME", str(home))
    with duckdb.connect(str(home / "published" / "warehouse.duckdb")) as con:
        row = con.execute(
            "select outcome, period from marts.fct_outcome_rates where agency_code = 'AG002' and breakdown = 'all'"
            " and not suppressed and unit = 'proportion' order by outcome, period limit 1"
        ).fetchone()
        con.execute(
            "update marts.fct_outcome_rates set numerator = 2, denominator = 4, rate = 0.5"
            " where agency_code = 'AG002' and breakdown = 'all' and outcome = ? and period = ?",
            list(row),
        )
        con.execute(
            "update marts.fct_outputs set clients_served = 3"
            " where agency_code = 'AG003' and grain = 'agency' and period = '2024Q2'"
        )
    with control.connect() as ctl:
        users.add(ctl, "test", "fay", "funder", None, PASSWORD)
        users.add(ctl, "test", "root", "admin", None, PASSWORD)
    return home, row


def _audit(action: str) -> list[sqlite3.Row]:
    with control.connect() as con:
        return con.execute("select * from audit_log where action = ? order by audit_id", (action,)).fetchall()


# --- the scan ---------------------------------------------------------------------------------


def test_the_published_sample_snapshot_has_no_unsuppressed_small_cell(sample_home):
    scans = len(_audit("disclosure_scan"))
    result = CliRunner().invoke(cli, ["audit", "scan"])
    assert result.exit_code == 0, result.output
    assert "No unsuppressed cell under 10" in result.output
    for table in ("fct_outcome_rates", "fct_outputs", "fct_outcomes_vs_outputs", "fct_indicator_progress"):
        assert table in result.output
    # The scan looked at cells that exist: the marts do hold suppressed cells, and small published zeros.
    with duckdb.connect(str(sample_home / "published" / "warehouse.duckdb"), read_only=True) as con:
        suppressed = con.execute("select count(*) from marts.fct_outcome_rates where suppressed").fetchone()[0]
        assert suppressed > 0
    assert len(_audit("disclosure_scan")) == scans + 1


def test_the_scan_catches_a_planted_small_cell(planted):
    result = CliRunner().invoke(cli, ["audit", "scan"])
    assert result.exit_code == 1, result.output
    assert "fct_outcome_rates.denominator: 1 cell(s) under 10 not suppressed" in result.output
    assert "fct_outcome_rates.numerator: 1 cell(s) under 10 not suppressed" in result.output
    assert "fct_outputs.clients_served: 1 cell(s) under 10 not suppressed" in result.output
    assert '"agency_code": "AG002"' in result.output


# --- the second line: dashboards' reads, accueil sql, CSV -----------------------------------------


def test_aggregate_readers_get_a_planted_small_cell_blanked_and_it_is_audited(planted):
    _, (outcome, period) = planted
    funder = auth.viewer_for("fay", PASSWORD)
    admin = auth.viewer_for("root", PASSWORD)
    seen = access.fetch(funder, "outcomes.agencies", outcome=outcome, period=period).set_index("agency_code")
    assert bool(seen.loc["AG002", "suppressed"])
    assert seen.loc["AG002", ["numerator", "denominator", "rate", "ci_low", "ci_high"]].isna().all()
    assert not seen.drop(index="AG002")["denominator"].lt(10).any()
    raw = access.fetch(admin, "outcomes.agencies", outcome=outcome, period=period).set_index("agency_code")
    assert raw.loc["AG002", "denominator"] == 4  # an admin reads the mart as it is, to find what went wrong
    blanked = _audit("disclosure_blanked")
    assert len(blanked) == 1 and blanked[0]["actor"] == "fay"
    assert json.loads(blanked[0]["detail"])["cells"] == 2  # the numerator and the denominator

    outputs = access.fetch(funder, "outputs.agency", agency="AG003").set_index("period")
    assert pd.isna(outputs.loc["2024Q2", "clients_served"]) and pd.isna(outputs.loc["2024Q2", "services"])
    assert outputs.loc["2024Q2", "suppressed"]


def test_sql_exports_for_aggregate_users_never_hold_a_planted_small_cell(planted):
    _, (outcome, period) = planted
    query = (
        "select agency_code, numerator, denominator, rate, suppressed from marts.fct_outcome_rates"
        f" where outcome = '{outcome}' and period = '{period}' and breakdown = 'all' and agency_code = 'AG002'"
    )
    runner = CliRunner()
    result = runner.invoke(cli, ["sql", query, "--user", "fay"], env={"ACCUEIL_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == ["AG002,,,,True"]
    # Renamed or recombined, the cell is not there to be found.
    sneaky = runner.invoke(
        cli,
        ["sql", "select min(denominator) as d, min(numerator + 0) as n from fct_outcome_rates", "--user", "fay"],
        env={"ACCUEIL_PASSWORD": PASSWORD},
    )
    assert sneaky.exit_code == 0
    low = pd.read_csv(__import__("io").StringIO(sneaky.output))
    assert low["d"].iloc[0] >= 10
    assert not (low["n"].between(1, 9)).any()
    admin = runner.invoke(cli, ["sql", query, "--user", "root"], env={"ACCUEIL_PASSWORD": PASSWORD})
    assert admin.output.splitlines()[1:] == ["AG002,2,4,0.5,False"]
    blanked = _audit("disclosure_blanked")
    assert {r["actor"] for r in blanked} == {"fay"}
    cells = json.loads(blanked[0]["detail"])["cells"]
    assert cells["fct_outcome_rates.denominator"] == 1 and cells["fct_outputs.clients_served"] == 1


def test_count_columns_and_their_groups_follow_the_marts_naming():
    frame = pd.DataFrame(
        {
            "agency_code": ["A", "B", "C"],
            "suppressed": [False, False, True],
            "clients_served": [50, 7, None],
            "services": [120, 30, None],
            "funding_cad": [1000.0, 2000.0, 3000.0],
            "language_gain_any_suppressed": [False, False, True],
            "language_gain_any_numerator": [0, 12, None],
            "language_gain_any_denominator": [40, 30, None],
            "language_gain_any_rate": [0.0, 0.4, None],
        }
    )
    found = {(f.column, f.row) for f in small_cells(frame, 10)}
    assert found == {("clients_served", 1)}  # a zero outcome count is publishable: "no one"
    out, findings = blank_small_cells(frame, 10)
    assert len(findings) == 1
    assert out.loc[1, ["clients_served", "services", "funding_cad"]].isna().all() and out.loc[1, "suppressed"]
    assert out.loc[1, "language_gain_any_rate"] == 0.4  # another group, with its own mark, is left alone
    assert frame.loc[1, "clients_served"] == 7  # the cached frame is not changed in place
    frame.loc[0, "language_gain_any_numerator"] = 3
    _, findings = blank_small_cells(frame, 10)
    assert {(f.column, f.row) for f in findings} == {("clients_served", 1), ("language_gain_any_numerator", 0)}
    groups = {c.name: c for c in count_columns(list(frame.columns))}
    assert groups["language_gain_any_numerator"].flag == "language_gain_any_suppressed"
    assert "clients_served" not in groups["language_gain_any_numerator"].group


def test_the_second_line_also_checks_complements_and_whole_groups():
    """docs/measures.md: 13 of 20 leaves 7 without the outcome; 15 of 15 and 0 of 12 say it of everyone."""
    frame = pd.DataFrame(
        {
            "suppressed": [False] * 5,
            "numerator": [13, 15, 0, 0, 10],
            "denominator": [20, 15, 12, 25, 20],
        }
    )
    assert {(f.column, f.row) for f in small_cells(frame, 10)} == {("numerator", 0), ("numerator", 1), ("numerator", 2)}
    count = {c.name: c for c in count_columns(list(frame.columns))}["numerator"]
    assert count.denominator == "denominator"
    with duckdb.connect() as con:
        con.register("cells", frame)
        flagged = con.execute(f"select list(numerator order by numerator) from cells where {count.sql_predicate(10)}")
        assert flagged.fetchone()[0] == [0, 13, 15]


# --- audit commands ---------------------------------------------------------------------------


def test_audit_list_and_export_filter_with_bound_values(sample_home, tmp_path):
    with control.connect() as con:
        users.add(con, "test", "fay", "funder", None, PASSWORD)
    auth.viewer_for("fay", PASSWORD)
    with pytest.raises(auth.SignInFailed):
        auth.viewer_for("fay", "a wrong password")
    runner = CliRunner()
    listed = runner.invoke(cli, ["audit", "list", "--actor", "fay", "--limit", "2"])
    assert listed.exit_code == 0, listed.output
    actions = [line.split()[3] for line in listed.output.splitlines()]
    assert actions == ["signin_failed", "signin"]
    for hostile in ("' or '1'='1", "fay' --", "%", '"); drop table audit_log; --'):
        for option in ("--actor", "--action", "--grep"):
            result = runner.invoke(cli, ["audit", "list", option, hostile])
            assert result.exit_code == 0 and result.output == "No audit rows match.\n", (option, hostile)
    out = tmp_path / "audit.csv"
    exported = runner.invoke(cli, ["audit", "export", "--out", str(out), "--since", "2000-01-01"])
    assert exported.exit_code == 0, exported.output
    frame = pd.read_csv(out)
    with sqlite3.connect(sample_home / "control.sqlite") as con:
        total = con.execute("select count(*) from audit_log").fetchone()[0]
        uploads = con.execute("select count(*) from audit_log where action like 'upload%'").fetchone()[0]
    assert len(frame) == total - 1  # all but the export's own row, written after
    assert uploads >= 97 and (frame["action"].str.startswith("upload")).sum() == uploads
    last = _audit("export")[-1]
    assert last["target"] == "audit_log" and json.loads(last["detail"])["rows"] == len(frame)


# --- secrets ----------------------------------------------------------------------------------

SERVER_SIDE = ("accueil/access", "accueil/auth", "accueil/ingest", "accueil/indicators", "dashboards", "orchestration")
KEY_MODULES = {"accueil.anonymise", "accueil.anonymise.keys", "accueil.anonymise.commands"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_the_server_side_never_reads_a_partnership_key():
    """Only the agency-side commands (anonymise, keygen) and the generator's fictitious region touch key files."""
    for folder in SERVER_SIDE:
        for path in (REPO / folder).rglob("*.py"):
            assert not (_imports(path) & KEY_MODULES), path
            text = path.read_text(encoding="utf-8")
            assert "read_key_file" not in text and "key_file" not in text, path
    readers = sorted(
        str(p.relative_to(REPO)) for p in (REPO / "accueil").rglob("*.py") if "read_key_file(" in p.read_text("utf-8")
    )
    assert readers == ["accueil/anonymise/commands.py", "accueil/anonymise/keys.py"]
    # And at run time: the dashboards, the access layer and the pipeline load no key-handling code.
    probe = (
        "import sys; import accueil.access, accueil.access.reader, accueil.auth, accueil.ingest.submit,"
        " orchestration.build, accueil.publish;"
        " sys.path.insert(0, 'dashboards'); import shared;"
        " print(sorted(m for m in sys.modules if m.startswith('accueil.anonymise')))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]", loaded.stdout + loaded.stderr


def test_no_secret_is_in_the_repository():
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert tracked, "not a git checkout"
    names = [Path(t).name for t in tracked]
    assert "secrets.toml" not in names and not any(n.endswith((".key", ".pem")) for n in names)
    assert not any(n == ".env" or n.startswith(".env.") for n in names)
    patterns = ("-----BEGIN", "cookie_secret =", "client_secret =", "ACCUEIL_PASSWORD=", "password_hash = '$argon2")
    this = str(Path(__file__).relative_to(REPO))
    for name in tracked:
        path = REPO / name
        if path.suffix in (".xlsx", ".png", ".duckdb", ".sqlite") or not path.is_file() or name == this:
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        for pattern in patterns:
            if pattern in text:
                # Documentation shows the settings with placeholders, never a value.
                for line in text.splitlines():
                    if pattern in line:
                        assert '"xxx"' in line or "..." in line or "<" in line, (name, line)


def test_the_warehouse_and_the_control_database_hold_no_key_or_password(sample_warehouse):
    home, _, truth = sample_warehouse
    key = partnership_key(truth["seed"])
    for path in (home / "published" / "warehouse.duckdb", home / "control.sqlite"):
        data = path.read_bytes()
        assert key not in data and key.hex().encode() not in data, path
    with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as con:
        columns = [c for (c,) in con.execute("select column_name from duckdb_columns()").fetchall()]
    assert not [c for c in columns if any(w in c.lower() for w in ("password", "secret", "token", "partnership"))]
    assert config.REPO_ROOT not in home.parents  # state lives outside the repository
