"""One read door, read-only (issue 23): every reader of the published snapshot goes through
accueil.access, which reads and writes nothing but the audit log, through one function; the
cache is passed in, so the access layer does not import Streamlit; uploads go through
accueil.ingest; and the snapshot holds only what is served.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

from accueil import access, config, control, publish
from accueil.access import audit
from accueil.access.exposure import client_level_models
from accueil.access.reader import Reader, in_process
from accueil.access.snapshot import NotPublished, connect
from accueil.cli import cli

ROOT = Path(__file__).resolve().parents[1]
ACCESS = ROOT / "accueil" / "access"
ADMIN = access.Viewer("operator", "admin")
# What the access layer never imports: the code that writes (ingestion, the publish, the pipeline).
FORBIDDEN = ("accueil.ingest", "accueil.publish", "orchestration")


def _imported(path: Path) -> set[str]:
    """Every module a file imports, at any depth of its code (lazy imports included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _calls(path: Path) -> set[str]:
    """Dotted names of what a file calls: `control.audit`, `read_only`, ..."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                found.add(func.id)
            elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                found.add(f"{func.value.id}.{func.attr}")
    return found


# ---- what the access layer imports -----------------------------------------------------------------------


def test_the_reader_does_not_import_streamlit_in_a_fresh_interpreter():
    probe = "import accueil.access.reader, sys; assert 'streamlit' not in sys.modules, 'streamlit was imported'"
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_no_module_of_the_access_layer_loads_streamlit_ingestion_or_the_publish():
    modules = sorted(f"accueil.access.{p.stem}" for p in ACCESS.glob("*.py") if p.stem != "__init__")
    probe = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'"
        f" or m.startswith({FORBIDDEN!r}))))"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
    # Nor lazily, inside a function: the source says so too.
    for path in ACCESS.glob("*.py"):
        bad = {m for m in _imported(path) if m.split(".")[0] == "streamlit" or m.startswith(FORBIDDEN)}
        assert not bad, (path.name, bad)


def test_uploads_are_not_the_access_layers():
    for name in ("submit_extract", "UploadResult"):
        assert not hasattr(access, name)
    from accueil.ingest.web import UploadResult, submit_extract

    assert UploadResult.__module__ == submit_extract.__module__ == "accueil.ingest.web"
    agency = access.Viewer("ana", "agency", "AG001")
    with pytest.raises(access.AccessDenied):
        submit_extract(agency, b"not a workbook", "AG002_2025Q1.xlsx", "AG002", "2025Q1", "en")
    # Refused before anything was received: no register row, no audit row.
    with control.connect() as con:
        assert con.execute("select count(*) from uploads").fetchone()[0] == 0
        assert con.execute("select count(*) from audit_log").fetchone()[0] == 0


# ---- every reader goes through it ------------------------------------------------------------------------


def test_the_second_door_is_gone_and_its_readers_use_the_access_layer():
    assert not hasattr(publish, "read_only")
    readers = ["accueil/indicators/commands.py", "accueil/demo.py", "accueil/bench/headline.py"]
    for name in readers:
        imported = _imported(ROOT / name)
        assert "accueil.access.snapshot.connect" in imported, name
        assert "accueil.publish.read_only" not in imported, name
    # No module outside the access layer opens the snapshot with DuckDB itself, but the publish
    # (which writes it) and the restore (which carries its baselines into a new working warehouse).
    writers = {"accueil/publish.py", "accueil/ops/restore.py"}
    for path in [*(ROOT / "accueil").rglob("*.py"), *(ROOT / "dashboards").rglob("*.py")]:
        name = str(path.relative_to(ROOT))
        if path.is_relative_to(ACCESS) or name in writers:
            continue
        text = path.read_text(encoding="utf-8")
        if "duckdb.connect(" in text:
            for line in text.splitlines():
                assert not ("duckdb.connect(" in line and "published" in line), (name, line)


def test_the_indicators_history_says_when_nothing_is_published():
    result = CliRunner().invoke(cli, ["indicators", "history", "belonging"])
    assert result.exit_code == 1
    assert "nothing is published yet" in result.output and "Traceback" not in result.output
    with pytest.raises(NotPublished):
        connect()


# ---- the cache is passed in ------------------------------------------------------------------------------


def _snapshot(rows: list[tuple[str, str, str]]) -> Path:
    path = config.published_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = path.with_name("fresh.duckdb")
    with duckdb.connect(str(fresh)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.fct_outputs (agency_code varchar, grain varchar, period varchar)")
        con.executemany("insert into marts.fct_outputs values (?, ?, ?)", rows)
    fresh.replace(path)  # as the publish swaps a new file in
    return path


def test_a_reader_uses_the_cache_it_is_given_keyed_by_the_snapshots_version():
    calls = []

    def counting(function):
        cached = in_process()(function)

        def run(*args):
            calls.append(args)
            return cached(*args)

        return run

    reader = Reader(counting)
    _snapshot([("AG001", "agency", "2025Q1")])
    first = reader.fetch(ADMIN, "outputs.agency", agency="AG001")
    again = reader.fetch(ADMIN, "outputs.agency", agency="AG001")
    assert len(first) == len(again) == 1 and len(calls) == 2
    assert calls[0] == calls[1]  # the same key: the query, its parameters, the snapshot's version
    assert calls[0][:2] == ("outputs.agency", (("agency", "AG001"),))
    first.loc[0, "period"] = "changed by the caller"
    assert reader.fetch(ADMIN, "outputs.agency", agency="AG001").loc[0, "period"] == "2025Q1"  # never the cache's own
    # A new publish is a new version: read at once.
    _snapshot([("AG001", "agency", "2025Q1"), ("AG001", "agency", "2025Q2")])
    assert len(reader.fetch(ADMIN, "outputs.agency", agency="AG001")) == 2
    assert calls[-1][2] != calls[0][2]


def test_the_rights_are_checked_before_the_cache_is_consulted():
    calls = []

    def spy(function):
        def run(*args):
            calls.append(args)
            return function(*args)

        return run

    reader = Reader(spy)
    with pytest.raises(access.AccessDenied):
        reader.fetch(access.Viewer("ana", "agency", "AG001"), "agency.loaded_quarters", agency="AG002")
    assert calls == []


def test_the_default_reader_keeps_answers_in_this_process():
    _snapshot([("AG001", "agency", "2025Q1")])
    frame = access.fetch(ADMIN, "outputs.agency", agency="AG001")
    assert isinstance(frame, pd.DataFrame) and len(frame) == 1
    assert access.has_table(ADMIN, "marts", "fct_outputs") and not access.has_table(ADMIN, "marts", "dim_client")


# ---- audit writes through one function -------------------------------------------------------------------


def test_the_reading_side_writes_the_audit_log_through_one_function():
    sources = [*ACCESS.glob("*.py"), *(ROOT / "dashboards").rglob("*.py")]
    for path in sources:
        if path == ACCESS / "audit.py":
            continue
        # Nothing else writes the control database: the register is read read-only (mode=ro).
        assert not {"control.audit", "control.connect"} & _calls(path), path
    assert "control.audit" in _calls(ACCESS / "audit.py")
    assert "audit.record" in _calls(ROOT / "dashboards" / "signin.py")


def test_the_one_function_names_a_viewer_with_its_role_or_a_bare_actor():
    audit.record(access.Viewer("ana", "agency", "AG001"), "client_data_viewed", "query:x", params={"agency": "AG001"})
    audit.record("oidc:someone", "signin_failed", "oidc:someone", reason="no role claim")
    rows = audit.audit_log(ADMIN).sort_values("audit_id")
    assert list(rows["actor"]) == ["ana", "oidc:someone"]
    viewed, refused = (json.loads(d) for d in rows["detail"])
    assert viewed == {"role": "agency", "agency": "AG001", "params": {"agency": "AG001"}}
    assert refused == {"reason": "no role claim"}


# ---- the snapshot holds only what is served --------------------------------------------------------------


CLIENT_MARKER = "client-row-0c5e7d1a"


def _working_warehouse() -> None:
    config.warehouse_path().parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(config.warehouse_path())) as con:
        con.execute(
            f"""
            create schema raw; create schema staging; create schema marts; create schema reference;
            create table raw.loads as select 'extract' as kind, 'AG001' as agency_cd, '2025Q1' as quarter,
                1 as upload_id, 'ab' as sha256, '2025-04-02' as loaded_at;
            create table staging.stg_client_profile as select '{CLIENT_MARKER}' as client_key;
            create table marts.dim_client as select '{CLIENT_MARKER}' as client_key, 'woman' as gender_code;
            create table marts.fct_outputs as select 'AG001' as agency_code, 'agency' as grain, '2025Q1' as period;
            create table reference.codes as select 'gender' as code_list, 'woman' as code;
            """
        )


def test_the_client_level_marts_are_not_published_and_the_admin_is_told_where_they_are():
    assert "dim_client" in client_level_models()  # meta: access: client_level in warehouse/models/marts
    _working_warehouse()
    target = publish.publish()
    with duckdb.connect(str(target), read_only=True) as con:
        held = set(con.execute("select schema_name, table_name from duckdb_tables()").fetchall())
    assert held == {("marts", "fct_outputs"), ("reference", "codes")}
    assert CLIENT_MARKER.encode() not in target.read_bytes()
    # `accueil sql` for the admin: everything the snapshot holds, and a pointer for what it does not.
    runner = CliRunner()
    served = runner.invoke(cli, ["sql", "select agency_code from marts.fct_outputs"])
    assert served.exit_code == 0 and served.output.splitlines() == ["agency_code", "AG001"]
    missing = runner.invoke(cli, ["sql", "select * from marts.dim_client"])
    assert missing.exit_code == 1 and CLIENT_MARKER not in missing.output
    assert "client-level marts stay in the working warehouse" in missing.output
