"""Sign-in, roles and the audit trail, on a tiny published snapshot built here (no sample warehouse).

The snapshot holds one aggregate mart, one client-level mart, one undescribed mart and
raw/staging/intermediate tables, each carrying a marker string: a marker in any output
is a leak.  A publish leaves the client-level marts and those schemas out of a real
snapshot (tests/test_read_door.py, tests/test_published_snapshot.py); this one holds them
to show that no role but an admin would reach them even if a snapshot did.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta

import click
import duckdb
import pandas as pd
import pytest
from argon2 import PasswordHasher, profiles
from click.testing import CliRunner

from accueil import access, auth, config, control
from accueil.access.adhoc import open_restricted, run_sql
from accueil.access.exposure import aggregate_exposure
from accueil.access.snapshot import agency_rows_path
from accueil.auth import passwords, sessions, signin, users
from accueil.cli import cli

PASSWORD = "correct horse battery"
CLIENT_MARKER = "CLIENT-KEY-7f3a"
RAW_MARKER = "RAW-NOTE-91c2"
HIDDEN_MARKER = "UNDESCRIBED-5d0e"
PRODUCTION_HASHER = passwords._hasher


pytestmark = pytest.mark.usefixtures("cheap_hashes")


@pytest.fixture
def snapshot():
    path = config.published_path()
    path.parent.mkdir(parents=True)
    with duckdb.connect(str(path)) as con:
        con.execute(
            f"""
            create schema marts; create schema raw; create schema staging; create schema intermediate;
            create table marts.fct_outcome_rates as
                select * from (values
                    ('language_gain_any', '2025Q1', 'A01', 'all', 'all', 'rate', false, 12, 30, 0.4, 0.25, 0.57,
                     false, 40, 0.75),
                    ('language_gain_any', '2025Q1', 'B02', 'all', 'all', 'rate', true, null, null, null, null, null,
                     true, null, null))
                t(outcome, period, agency_code, breakdown, breakdown_value, unit, suppressed, numerator, denominator,
                  rate, ci_low, ci_high, coverage_suppressed, eligible, coverage);
            create table marts.dim_client as select '{CLIENT_MARKER}' as client_key, 'woman' as gender_code;
            create table marts.undescribed as select '{HIDDEN_MARKER}' as note;
            create table raw.client_profile as select '{CLIENT_MARKER}' as client_key, '{RAW_MARKER}' as note;
            create table raw.loads as
                select * from (values ('extract', 'A01', '2025Q1', 1, '2025-04-02'),
                                      ('extract', 'B02', '2025Q1', 2, '2025-04-03'))
                    t(kind, agency_cd, quarter, upload_id, loaded_at);
            create table staging.stg_client_profile as select '{RAW_MARKER}' as note;
            create table intermediate.int_client_spine as select '{CLIENT_MARKER}' as client_key;
            create table marts.fct_extract_loads as
                select agency_cd as agency_code, quarter, upload_id, loaded_at from raw.loads;
            """
        )
    # What the publish writes beside the snapshot for `accueil sql --user` of an agency: the raw tables
    # keyed by agency (accueil/publish.py).  The snapshot's own raw, staging and intermediate tables
    # above are there to show that no other role reaches them, even if a snapshot held them.
    with duckdb.connect(str(agency_rows_path())) as con:
        con.execute(f"attach '{path}' as snapshot (read_only)")
        con.execute("create table loads as from snapshot.raw.loads")
    return path


def _add(name: str, role: str, agency: str | None = None, password: str = PASSWORD) -> users.User:
    with control.connect() as con:
        return users.add(con, "test", name, role, agency, password)


def _audit(action: str | None = None) -> list[sqlite3.Row]:
    with control.connect() as con:
        if action is None:
            return con.execute("select * from audit_log order by audit_id").fetchall()
        return con.execute("select * from audit_log where action = ? order by audit_id", (action,)).fetchall()


# --- the user store -------------------------------------------------------------------------


def test_passwords_are_argon2_hashes_and_never_stored_or_logged_in_clear():
    _add("ana", "agency", "a01")
    with control.connect() as con:
        stored = users.password_hash(con, "ana")
        user = users.get(con, "ana")
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert user.agency == "A01" and user.viewer() == access.Viewer("ana", "agency", "A01")
    auth.viewer_for("ana", PASSWORD)
    with pytest.raises(auth.SignInFailed):
        auth.viewer_for("ana", "a wrong password")
    control_bytes = control.path().read_bytes()
    assert PASSWORD.encode() not in control_bytes
    assert b"a wrong password" not in control_bytes
    assert all(PASSWORD not in row["detail"] for row in _audit())


def test_hashes_get_the_librarys_full_cost_and_old_ones_are_upgraded_at_sign_in(monkeypatch):
    _add("ana", "funder")  # at the tests' cheap cost, as a hash from an older release would be
    monkeypatch.setattr(passwords, "_hasher", PRODUCTION_HASHER)
    auth.viewer_for("ana", PASSWORD)
    with control.connect() as con:
        upgraded = users.password_hash(con, "ana")
    assert upgraded.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert auth.viewer_for("ana", PASSWORD).name == "ana"


@pytest.mark.parametrize(
    ("name", "role", "agency", "password", "message"),
    [
        ("bob", "agency", None, PASSWORD, "needs --agency"),
        ("bob", "funder", "A01", PASSWORD, "only an agency user"),
        ("bob", "superuser", None, PASSWORD, "role must be one of"),
        ("bob", "agency", "A01'; drop table users; --", PASSWORD, "is not an agency code"),
        ("bob smith", "funder", None, PASSWORD, "user name is"),
        ("bob", "funder", None, "short", "at least 12 characters"),
    ],
)
def test_a_user_must_make_sense_before_it_is_stored(name, role, agency, password, message):
    with pytest.raises(ValueError, match=message):
        _add(name, role, agency, password)
    with control.connect() as con:
        assert users.all_users(con) == []
    assert _audit("user_added") == []


def test_names_are_unique_whatever_their_case():
    _add("Ana", "funder")
    with pytest.raises(users.UserError, match="already a user named ana"):
        _add("ANA", "council")


# --- sign-in and back-off -------------------------------------------------------------------


class Clock:
    """The sign-in's clock, moved by hand: back-off is about time, and tests should not sleep."""

    def __init__(self, monkeypatch):
        self.now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
        monkeypatch.setattr(signin, "_now", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _user(name: str) -> users.User:
    with control.connect() as con:
        return users.get(con, name)


def _refused(name: str, password: str) -> str:
    """The message of a refused sign-in, which must be exactly that of a wrong password."""
    with pytest.raises(auth.SignInFailed) as failed:
        auth.viewer_for(name, password)
    assert type(failed.value) is auth.SignInFailed
    return str(failed.value)


def test_the_wait_after_wrong_passwords_doubles_up_to_five_minutes():
    waits = [signin.backoff_seconds(n) for n in range(1, 15)]
    assert waits == [0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]
    assert signin.backoff_seconds(10**9) == 300


def test_wrong_passwords_make_the_account_wait_and_it_opens_again_by_itself(monkeypatch):
    clock = Clock(monkeypatch)
    _add("fay", "funder")
    for _ in range(2):
        assert _refused("fay", "not the password") == "wrong user name or password"
    # A success in between resets the count: it is consecutive failures that make it wait.
    assert auth.viewer_for("fay", PASSWORD).role == "funder"
    for _ in range(3):
        _refused("fay", "not the password")
    assert _user("fay").retry_after == (clock.now + timedelta(seconds=1)).isoformat()
    # Even the right password is refused while it waits, with the same answer, and it is not counted.
    assert _refused("fay", PASSWORD) == "wrong user name or password"
    assert _user("fay").failed_signins == 3
    clock.advance(1)
    _refused("fay", "not the password")  # the 4th in a row: two seconds
    clock.advance(1.5)
    _refused("fay", PASSWORD)
    clock.advance(0.5)
    assert auth.viewer_for("fay", PASSWORD).name == "fay"
    assert (_user("fay").failed_signins, _user("fay").retry_after) == (0, None)

    reasons = [json.loads(r["detail"])["reason"] for r in _audit("signin_failed")]
    assert reasons == ["wrong password"] * 5 + ["backing off", "wrong password", "backing off"]
    assert [json.loads(r["detail"])["seconds"] for r in _audit("signin_backoff")] == [1, 2]
    assert len(_audit("signin")) == 2


def test_a_stranger_cannot_lock_an_account_for_good(monkeypatch):
    clock = Clock(monkeypatch)
    _add("fay", "funder")
    session = auth.sign_in("fay", PASSWORD)
    # Guessing twice a second for 100 s: only the guesses between waits are checked at all.
    for _ in range(200):
        _refused("fay", "a guess")
        clock.advance(0.5)
    assert _user("fay").failed_signins == 9  # waits of 1+2+4+8+16+32+64 s after the first three
    # A guesser that keeps on gets one guess in five minutes at most.
    for _ in range(5):
        clock.advance(300)
        _refused("fay", "a guess")
    assert signin.backoff_seconds(_user("fay").failed_signins) == 300
    # The owner's open session is untouched, and once the guessing stops the account opens by itself.
    assert auth.viewer_for_session(session.token).name == "fay"
    clock.advance(300)
    assert auth.viewer_for("fay", PASSWORD).name == "fay"


def test_unknown_wrong_waiting_and_locked_get_the_same_answer_at_the_same_cost(monkeypatch):
    Clock(monkeypatch)
    verified = []

    class Counting(PasswordHasher):
        def verify(self, hash, password):
            verified.append(hash)
            return super().verify(hash, password)

    # The same work in every case: one argon2 verification, against a decoy hash when the password is not checked.
    monkeypatch.setattr(passwords, "_hasher", Counting.from_parameters(profiles.CHEAPEST))
    for name in ("fay", "wes", "lou"):
        _add(name, "funder")
    for _ in range(3):
        _refused("wes", "not the password")
    assert CliRunner().invoke(cli, ["users", "lock", "lou"]).exit_code == 0
    answers = {}
    for case, name, password in [
        ("unknown", "nobody", PASSWORD),
        ("wrong", "fay", "not the password"),
        ("waiting", "wes", PASSWORD),
        ("locked", "lou", PASSWORD),
    ]:
        verified.clear()
        answers[case] = _refused(name, password)
        assert len(verified) == 1, case
    assert set(answers.values()) == {"wrong user name or password"}
    details = [json.loads(r["detail"]) for r in _audit("signin_failed")]
    assert details[-4] == {"reason": "unknown user"}
    assert [d["reason"] for d in details[-4:]] == ["unknown user", "wrong password", "backing off", "locked"]


# A password typed in the name box, as people do.
TYPED_PASSWORD = "hunter2-P@ssw0rd!"
MARK = re.compile(r"unknown user #[0-9a-f]{12}")


def _everything_recorded() -> str:
    """The audit log and the rest of the control database, as text an admin could come to read."""
    rows = " ".join(" ".join(str(v) for v in tuple(r)) for r in _audit())
    return rows + " " + control.path().read_bytes().decode("latin-1")


def test_a_failed_sign_in_records_the_name_only_when_it_is_a_users(monkeypatch):
    _add("fay", "funder")
    for typed in (TYPED_PASSWORD, f"  {TYPED_PASSWORD.upper()} ", "another guess", TYPED_PASSWORD):
        _refused(typed, PASSWORD)
    _refused("fay", TYPED_PASSWORD)  # an existing name with a wrong password: the name, never the password
    recorded = _everything_recorded().lower()
    for typed in ("hunter2", "p@ssw0rd", "another guess"):
        assert typed not in recorded, f"{typed!r} is in the control database"

    failed = _audit("signin_failed")
    actors = [r["actor"] for r in failed]
    assert all(MARK.fullmatch(a) for a in actors[:4]), actors
    # The same name (as sign-in reads it: trimmed, any case) gets the same mark, so an admin can
    # follow repeated attempts; another name gets another.
    assert actors[0] == actors[1] == actors[3] != actors[2]
    assert [r["target"] for r in failed[:4]] == [f"user:{a}" for a in actors[:4]]
    assert [json.loads(r["detail"]) for r in failed[:4]] == [{"reason": "unknown user"}] * 4
    assert (actors[4], failed[4]["target"]) == ("fay", "user:fay")
    assert json.loads(failed[4]["detail"])["reason"] == "wrong password"

    # The mark is keyed with the home's secret: not a plain digest anyone could test guesses against.
    mark = actors[0].removeprefix("unknown user #")
    for digest in (hashlib.sha256, hashlib.md5, hashlib.sha1):
        assert mark not in digest(TYPED_PASSWORD.lower().encode()).hexdigest()
    assert signin.fingerprint(TYPED_PASSWORD) == actors[0]
    monkeypatch.setenv("ACCUEIL_COOKIE_SECRET", "another home's key")
    assert MARK.fullmatch(signin.fingerprint(TYPED_PASSWORD)) and signin.fingerprint(TYPED_PASSWORD) != actors[0]


def test_a_locked_or_waiting_account_is_still_recorded_by_its_name():
    _add("lou", "funder")
    assert CliRunner().invoke(cli, ["users", "lock", "lou"]).exit_code == 0
    _refused("LOU", PASSWORD)
    assert [(r["actor"], json.loads(r["detail"])["reason"]) for r in _audit("signin_failed")] == [("lou", "locked")]


def test_the_command_line_sign_in_records_an_unknown_name_only_as_a_mark(snapshot):
    _add("fay", "funder")
    result = _sql("select 1", user=TYPED_PASSWORD, password="whatever was typed next")
    assert result.exit_code == 1 and "wrong user name or password" in result.output
    assert TYPED_PASSWORD not in result.output
    assert "hunter2" not in _everything_recorded().lower(), "the typed name is in the control database"
    (row,) = _audit("signin_failed")
    assert MARK.fullmatch(row["actor"]) and _audit("export") == []
    # An admin's `accueil audit list` shows the mark, nothing of what was typed.
    listed = CliRunner().invoke(cli, ["audit", "list", "--action", "signin_failed"])
    assert listed.exit_code == 0, listed.output
    assert row["actor"] in listed.output and "hunter2" not in listed.output.lower()


def test_an_admin_sees_waits_and_locks_and_lifts_them():
    _add("fay", "funder")
    _add("lou", "council")
    session = auth.sign_in("lou", PASSWORD)
    for _ in range(3):
        _refused("fay", "not the password")
    runner = CliRunner()
    locked = runner.invoke(cli, ["users", "lock", "lou"])
    assert locked.exit_code == 0 and "Locked lou" in locked.output
    with pytest.raises(auth.SessionExpired):
        auth.viewer_for_session(session.token)  # an admin's lock ends the account's sessions
    listed = runner.invoke(cli, ["users", "list"]).output.splitlines()
    assert listed[0].split()[-2:] == ["refused", "until"]
    fay, lou = (line.split() for line in listed[1:])
    assert fay[:4] == ["fay", "funder", "back-off", "3"] and fay[-1] == "UTC"
    assert lou[:4] == ["lou", "council", "locked", "0"] and " ".join(lou[-4:]) == "an admin unlocks it"
    for name in ("fay", "lou"):
        result = runner.invoke(cli, ["users", "unlock", name])
        assert result.exit_code == 0, result.output
        assert auth.viewer_for(name, PASSWORD).name == name
    assert [r["target"] for r in _audit("user_locked")] == ["user:lou"]
    unlocked = [json.loads(r["detail"]) for r in _audit("user_unlocked")]
    assert unlocked[0]["failures"] == 3 and unlocked[0]["was_retry_after"] and unlocked[1]["was_locked_at"]


def test_a_control_database_from_before_the_back_off_gains_its_column():
    control.path().parent.mkdir(parents=True)
    with closing(sqlite3.connect(control.path())) as old:
        old.execute(
            "create table users (name text primary key, role text not null, agency_cd text,"
            " password_hash text not null, failed_signins integer not null default 0, locked_at text,"
            " created_at text not null, changed_at text not null)"
        )
    _add("fay", "funder")
    _refused("fay", "not the password")
    assert auth.viewer_for("fay", PASSWORD).name == "fay"
    assert _user("fay").retry_after is None


# --- sessions -------------------------------------------------------------------------------


def test_expired_sessions_must_sign_in_again(monkeypatch):
    monkeypatch.setenv("ACCUEIL_SESSION_MINUTES", "30")
    _add("cam", "council")
    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    with control.connect() as con:
        user = auth.authenticate(con, "cam", PASSWORD)
        session = sessions.start(con, user, at=start)
        assert session.expires_at == start + timedelta(minutes=30)
        assert sessions.resume(con, session.token, at=start + timedelta(minutes=29)).name == "cam"
        with pytest.raises(auth.SessionExpired, match="expired"):
            sessions.resume(con, session.token, at=start + timedelta(minutes=30))
        # Once expired it is gone, whatever clock asks next.
        with pytest.raises(auth.SessionExpired):
            sessions.resume(con, session.token, at=start)
        stored = [tuple(r) for r in con.execute("select * from sessions").fetchall()]
    assert stored == []
    fresh = auth.sign_in("cam", PASSWORD)
    assert auth.viewer_for_session(fresh.token) == access.Viewer("cam", "council")
    with pytest.raises(auth.SessionExpired):
        auth.viewer_for_session(fresh.token[:-1] + ("A" if fresh.token[-1] != "A" else "B"))


def test_session_tokens_are_stored_only_as_hashes_and_end_with_the_users_rights(monkeypatch):
    _add("ana", "agency", "A01")
    session = auth.sign_in("ana", PASSWORD)
    assert session.token.encode() not in control.path().read_bytes()
    assert auth.viewer_for_session(session.token).agency == "A01"
    # The user store itself (the command also checks B02 against an agency reference file this home lacks).
    with control.connect() as con:
        users.set_role(con, "os:test", "ana", "agency", "B02")
    with pytest.raises(auth.SessionExpired):
        auth.viewer_for_session(session.token)  # the rights it was opened with are gone
    again = auth.sign_in("ana", PASSWORD)
    assert auth.viewer_for_session(again.token).agency == "B02"
    assert CliRunner().invoke(cli, ["users", "remove", "ana"]).exit_code == 0
    with pytest.raises(auth.SessionExpired):
        auth.viewer_for_session(again.token)
    with pytest.raises(auth.SignInFailed):
        auth.sign_in("ana", PASSWORD)


# --- the data-access layer ------------------------------------------------------------------


@pytest.mark.parametrize("tampered", ["B02", "a01", " A01", "A01 ", "A01' or '1'='1", "%", ""])
def test_an_agency_user_reads_only_its_own_agency_scope_queries(snapshot, tampered):
    _add("ana", "agency", "A01")
    viewer = auth.viewer_for_session(auth.sign_in("ana", PASSWORD).token)
    own = access.fetch(viewer, "agency.loaded_quarters", agency="A01")
    assert list(own["upload_id"]) == [1]
    with pytest.raises(access.AccessDenied):
        access.fetch(viewer, "agency.loaded_quarters", agency=tampered)
    with pytest.raises(TypeError):
        access.fetch(viewer, "agency.loaded_quarters", agency="A01", quarter="2025Q1")


@pytest.mark.parametrize("role", ["funder", "council"])
def test_aggregate_roles_read_no_agency_scope_query(snapshot, role):
    _add("reader", role)
    viewer = auth.viewer_for("reader", PASSWORD)
    assert len(access.fetch(viewer, "outcomes.agencies", outcome="language_gain_any", period="2025Q1")) == 2
    for agency in ("A01", "B02"):
        with pytest.raises(access.AccessDenied):
            access.fetch(viewer, "agency.loaded_quarters", agency=agency)


def test_exposure_comes_from_the_dbt_access_marker():
    exposure = aggregate_exposure()
    assert "fct_outcome_rates" in exposure.tables
    assert "dim_client" not in exposure.tables  # meta: access: client_level in its YAML


def test_client_level_columns_are_left_out_of_an_aggregate_table(snapshot, tmp_path):
    (tmp_path / "models.yml").write_text(
        """
version: 2
models:
  - name: fct_outcome_rates
    columns:
      - name: numerator
        config: {meta: {access: client_level}}
  - name: dim_client
    meta: {access: client_level}
""",
        encoding="utf-8",
    )
    exposure = aggregate_exposure(tmp_path)
    with open_restricted(str(snapshot), exposure) as con:
        columns = [r[0] for r in con.execute("describe fct_outcome_rates").fetchall()]
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert "numerator" not in columns and "rate" in columns
    assert tables == {"fct_outcome_rates"}


def test_a_restricted_connection_cannot_reach_python_variables_or_be_reconfigured(snapshot):
    leak = pd.DataFrame({"secret": [RAW_MARKER]})  # noqa: F841 - DuckDB would find it by name
    with open_restricted(str(snapshot), aggregate_exposure()) as con:
        with pytest.raises(duckdb.CatalogException):
            con.execute("select * from leak").fetchall()
        for setting in ("python_enable_replacements = true", "enable_external_access = true", "threads = 1"):
            with pytest.raises(duckdb.InvalidInputException, match="configuration has been locked"):
                con.execute(f"set {setting}")


# --- accueil users and accueil sql ----------------------------------------------------------


def test_users_commands_read_the_password_from_standard_input_and_never_print_it(small_region):
    from accueil.ingest.submit import submit_agencies

    runner = CliRunner()
    # An agency user's code is checked against the agency reference file: none loaded yet, then not in it.
    result = runner.invoke(cli, ["users", "add", "Ana", "--role", "agency", "--agency", "ag001"], input=PASSWORD + "\n")
    assert result.exit_code == 1 and result.output.strip() == (
        "Error: AG001 cannot be checked: no agency reference file is loaded yet; "
        "load it with `accueil agencies load FILE` first."
    )
    assert submit_agencies(small_region / "agencies.xlsx", user="test").accepted
    first_audit_id = _audit()[-1]["audit_id"]
    result = runner.invoke(cli, ["users", "add", "Ana", "--role", "agency", "--agency", "AG999"], input=PASSWORD + "\n")
    assert result.exit_code == 1
    assert result.output.strip() == "Error: AG999 is not an agency of the agency reference file; check the code."
    result = runner.invoke(cli, ["users", "add", "Ana", "--role", "agency", "--agency", "ag001"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Added ana (agency for AG001)" in result.output
    assert PASSWORD not in result.output
    assert runner.invoke(cli, ["users", "add", "fay", "--role", "funder"], input=PASSWORD + "\n").exit_code == 0
    refused = runner.invoke(cli, ["users", "add", "bob", "--role", "funder", "--password", PASSWORD])
    assert refused.exit_code != 0 and "No such option" in refused.output
    listed = runner.invoke(cli, ["users", "list"])
    assert listed.exit_code == 0
    assert [line.split()[:3] for line in listed.output.splitlines()[1:]] == [
        ["ana", "agency", "AG001"],
        ["fay", "funder", "active"],
    ]
    assert PASSWORD not in listed.output and "argon2" not in listed.output
    changed = runner.invoke(cli, ["users", "set-role", "fay", "--role", "council"])
    assert changed.exit_code == 0 and "fay is now council" in changed.output
    refused = runner.invoke(cli, ["users", "set-role", "fay", "--role", "agency", "--agency", "AG999"])
    assert refused.exit_code == 1 and "AG999 is not an agency of the agency reference file" in refused.output
    assert runner.invoke(cli, ["users", "remove", "ana"]).exit_code == 0
    missing = runner.invoke(cli, ["users", "remove", "ana"])
    assert missing.exit_code == 1 and "no user named ana" in missing.output

    actions = [(r["action"], r["target"]) for r in _audit() if r["audit_id"] > first_audit_id]
    assert actions == [
        ("user_added", "user:ana"),
        ("user_added", "user:fay"),
        ("user_role_changed", "user:fay"),
        ("user_removed", "user:ana"),
    ]
    role_change = json.loads(_audit("user_role_changed")[0]["detail"])
    assert (role_change["old_role"], role_change["role"]) == ("funder", "council")
    assert all(r["actor"].startswith("os:") for r in _audit() if r["audit_id"] > first_audit_id)


def _sql(query: str, user: str | None = "fay", password: str = PASSWORD):
    args = ["sql", query] + (["--user", user] if user else [])
    return CliRunner().invoke(cli, args, env={"ACCUEIL_PASSWORD": password})


def test_sql_as_an_aggregate_user_reads_the_aggregate_marts(snapshot):
    _add("fay", "funder")
    result = _sql("select agency_code, rate from fct_outcome_rates order by agency_code")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["agency_code,rate", "A01,0.4", "B02,"]
    qualified = _sql("select count(*) as n from marts.fct_outcome_rates")
    assert qualified.exit_code == 0 and qualified.output.splitlines() == ["n", "2"]
    catalogue = _sql("select database_name, schema_name, table_name from duckdb_tables()")
    assert catalogue.exit_code == 0
    assert catalogue.output.splitlines()[1:] == ["memory,marts,fct_outcome_rates"]
    exports = _audit("export")
    assert [json.loads(r["detail"])["rows"] for r in exports] == [2, 1, 1]
    first = json.loads(exports[0]["detail"])
    assert exports[0]["actor"] == "fay" and first["role"] == "funder"
    assert first["query"].startswith("select agency_code") and len(first["query_sha256"]) == 64
    assert PASSWORD not in json.dumps([dict(r) for r in _audit()])


CRAFTED = [
    "select * from raw.client_profile",
    'select * from "raw"."client_profile"',
    "select * from marts.dim_client",
    'select * from "marts"."dim_client"',
    "select * from dim_client",
    "select * from marts.undescribed",
    "select * from staging.stg_client_profile",
    "select * from intermediate.int_client_spine",
    "select * from snapshot.raw.client_profile",
    "select * from query_table('dim_client')",
    "select * from fct_outcome_rates; select * from raw.client_profile",
    "select 1; drop table marts.fct_outcome_rates",
    "drop table marts.fct_outcome_rates",
    "attach '{snapshot}' as w",
    "select * from read_csv('{snapshot}')",
    "select * from read_csv('/etc/passwd')",
    "select * from read_text('/etc/passwd')",
    "select * from glob('/etc/*')",
    "copy (select * from fct_outcome_rates) to '/tmp/accueil-leak.csv'",
    "set enable_external_access = true",
    "select * from fct_outcome_rates where agency_code = '' or 1=1; attach '{snapshot}' as w",
    "select getenv('ACCUEIL_PASSWORD')",
]


@pytest.mark.parametrize("crafted", CRAFTED)
def test_sql_as_an_aggregate_user_cannot_reach_client_level_or_raw_data(snapshot, crafted):
    _add("fay", "funder")
    result = _sql(crafted.format(snapshot=snapshot))
    assert result.exit_code != 0, result.output
    for marker in (CLIENT_MARKER, RAW_MARKER, HIDDEN_MARKER, PASSWORD, "root:"):
        assert marker not in result.output
    with duckdb.connect(str(snapshot), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_outcome_rates").fetchone() == (2,)
    assert _audit("export") == []
    assert len(_audit("sql_refused")) == 1


def test_sql_as_an_agency_user_gets_aggregates_and_only_its_own_rows(snapshot):
    _add("ana", "agency", "A01")
    assert _sql("select count(*) from fct_outcome_rates", user="ana").exit_code == 0
    own = _sql("select agency_cd, upload_id from own.loads", user="ana")
    assert own.exit_code == 0, own.output
    assert own.output.splitlines() == ["agency_cd,upload_id", "A01,1"]
    tables = _sql("select schema_name, table_name from duckdb_tables() order by all", user="ana")
    assert tables.output.splitlines()[1:] == ["marts,fct_outcome_rates", "own,loads"]
    for crafted in (
        "select * from own.loads where agency_cd = 'B02' or 1=1",
        "select * from dim_client",
        "select * from raw.loads",
        "select * from snapshot.raw.loads",
    ):
        result = _sql(crafted, user="ana")
        assert "B02" not in result.output and CLIENT_MARKER not in result.output, crafted
    # A funder gets no `own` schema at all.
    _add("fay", "funder")
    assert _sql("select * from own.loads").exit_code != 0


def test_sql_as_admin_reads_everything_but_still_no_files(snapshot):
    _add("root", "admin")
    result = _sql("select note from raw.client_profile", user="root")
    assert result.exit_code == 0 and RAW_MARKER in result.output
    assert _sql("select * from read_csv('/etc/passwd')", user="root").exit_code != 0
    assert _sql("select 1; select 2", user="root").exit_code != 0
    local = _sql("select client_key from marts.dim_client", user=None)
    assert local.exit_code == 0 and CLIENT_MARKER in local.output
    assert [r["actor"] for r in _audit("export")] == ["root", local_actor()]


def local_actor() -> str:
    from accueil.auth.commands import operator

    return operator()


def test_sql_with_a_wrong_password_runs_nothing(snapshot):
    _add("fay", "funder")
    result = _sql("select * from fct_outcome_rates", password="not the password")
    assert result.exit_code == 1
    assert "wrong user name or password" in result.output
    assert "A01" not in result.output
    assert _audit("export") == [] and len(_audit("signin_failed")) == 1


def test_sql_prompts_for_the_password_without_echoing_it(snapshot):
    _add("fay", "funder")
    result = CliRunner().invoke(cli, ["sql", "select 42 as n", "--user", "fay"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert result.output.splitlines()[-2:] == ["n", "42"]


def test_run_sql_refuses_before_a_snapshot_exists():
    _add("fay", "funder")
    with pytest.raises(access.NotPublished):
        run_sql(auth.viewer_for("fay", PASSWORD), "select 1")


# --- the demo's first admin -----------------------------------------------------------------


def test_the_demo_makes_one_admin_and_shows_its_password_once(capsys, monkeypatch):
    from accueil.demo import _demo_admin

    monkeypatch.delenv("ACCUEIL_DEMO_ADMIN_PASSWORD", raising=False)
    _demo_admin()
    printed = capsys.readouterr().out
    password = printed.split("with the password ")[1].split()[0]
    assert len(password) >= passwords.MIN_LENGTH
    assert auth.viewer_for("admin", password) == access.Viewer("admin", "admin")
    assert password.encode() not in control.path().read_bytes()
    assert all(password not in row["detail"] for row in _audit())
    _demo_admin()  # a second demo leaves the admin as it is
    assert "Sign in to the dashboards as an admin (admin)" in capsys.readouterr().out
    assert auth.viewer_for("admin", password).role == "admin"
    assert [r["actor"] for r in _audit("user_added")] == [local_actor()]


def test_the_demo_admin_password_can_be_given_but_must_be_strong(monkeypatch):
    from accueil.demo import _demo_admin

    monkeypatch.setenv("ACCUEIL_DEMO_ADMIN_PASSWORD", "short")
    with pytest.raises(click.ClickException, match="at least 12 characters"):
        _demo_admin()
    monkeypatch.setenv("ACCUEIL_DEMO_ADMIN_PASSWORD", PASSWORD)
    _demo_admin()
    assert auth.viewer_for("admin", PASSWORD).role == "admin"


# --- OpenID Connect claims ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claims", "viewer"),
    [
        ({"email": "Fay@Funder.example", "accueil_role": "funder"}, access.Viewer("oidc:fay@funder.example", "funder")),
        ({"sub": "abc", "accueil_role": " Council "}, access.Viewer("oidc:abc", "council")),
        (
            {"email": "a@b.c", "accueil_role": "agency", "accueil_agency": "ag001"},
            access.Viewer("oidc:a@b.c", "agency", "AG001"),
        ),
        ({"email": "a@b.c", "accueil_role": ["staff", "admin"]}, access.Viewer("oidc:a@b.c", "admin")),
    ],
)
def test_identity_claims_give_the_role_they_name(claims, viewer):
    from accueil.auth.oidc import viewer_from_claims

    assert viewer_from_claims(claims) == viewer


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"email": "a@b.c"}, "no Accueil role"),
        ({"email": "a@b.c", "accueil_role": "superuser"}, "no Accueil role"),
        ({"email": "a@b.c", "accueil_role": ["admin", "funder"]}, "no Accueil role"),  # two roles: which one?
        ({"email": "a@b.c", "accueil_role": "agency"}, "not an agency code"),
        ({"email": "a@b.c", "accueil_role": "agency", "accueil_agency": "AG001' or '1'='1"}, "not an agency code"),
        ({"accueil_role": "admin"}, "no usable"),
        ({"email": "two words", "accueil_role": "admin"}, "no usable"),
    ],
)
def test_identity_claims_that_do_not_name_a_role_are_refused(claims, message):
    from accueil.auth.oidc import IdentityRefused, viewer_from_claims

    with pytest.raises(IdentityRefused, match=message):
        viewer_from_claims(claims)


def test_an_identity_expires_with_its_token_or_the_session_length(monkeypatch):
    from accueil.auth.oidc import identity_expired

    monkeypatch.setenv("ACCUEIL_SESSION_MINUTES", "60")
    now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    stamp = now.timestamp()
    assert not identity_expired({"iat": stamp - 59 * 60, "exp": stamp + 60}, now, now)
    assert identity_expired({"iat": stamp - 60, "exp": stamp - 1}, now, now)  # the token itself has expired
    assert identity_expired({"iat": stamp - 61 * 60, "exp": stamp + 3600}, now, now)  # signed in too long ago
    assert identity_expired({}, now - timedelta(minutes=60), now)  # no iat: counted from first sight
    assert not identity_expired({}, now - timedelta(minutes=59), now)
