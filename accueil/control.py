"""The control database: the upload register and the append-only audit log.

It is a small SQLite file beside the warehouse, not a table in DuckDB: an agency's
upload must be registered even while the pipeline holds DuckDB's single write lock,
and SQLite lets several processes write with a short wait.  The audit table refuses
UPDATE and DELETE through triggers, so history can only grow.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from accueil import config

SCHEMA = """
create table if not exists uploads (
    upload_id     integer primary key autoincrement,
    kind          text not null check (kind in ('extract', 'agencies', 'indicators', 'survey')),
    agency_cd     text not null default '',
    quarter       text not null default '',
    file_name     text not null,
    sha256        text not null,
    size_bytes    integer not null,
    received_at   text not null,
    received_by   text not null,
    status        text not null check (status in ('received', 'accepted', 'rejected', 'loaded', 'superseded')),
    errors        integer not null default 0,
    warnings      integer not null default 0,
    report_html   text,
    report_csv    text,
    decided_at    text,
    loaded_at     text,
    superseded_by integer references uploads(upload_id),
    subject       text not null default ''  -- what else keys a file: a survey file's survey id
);
create index if not exists uploads_partition on uploads (kind, agency_cd, quarter, status);
create table if not exists audit_log (
    audit_id  integer primary key autoincrement,
    at        text not null,
    actor     text not null,
    action    text not null,
    target    text not null default '',
    detail    text not null default '{}'
);
create trigger if not exists audit_log_no_update before update on audit_log
    begin select raise(abort, 'the audit log is append-only'); end;
create trigger if not exists audit_log_no_delete before delete on audit_log
    begin select raise(abort, 'the audit log is append-only'); end;
create table if not exists users (
    name           text primary key,
    role           text not null check (role in ('agency', 'funder', 'council', 'admin')),
    agency_cd      text,
    password_hash  text not null,
    failed_signins integer not null default 0,
    locked_at      text,
    retry_after    text,
    created_at     text not null,
    changed_at     text not null,
    check ((role = 'agency') = (agency_cd is not null))
);
-- The agencies a funder user is bound to (their grants); a funder with none sees every agency.
create table if not exists user_agencies (
    user_name  text not null references users(name) on delete cascade,
    agency_cd  text not null,
    primary key (user_name, agency_cd)
);
create table if not exists sessions (
    token_sha256 text primary key,
    user_name    text not null,
    created_at   text not null,
    expires_at   text not null
);
create index if not exists sessions_user on sessions (user_name);
create table if not exists submission_due_dates (
    quarter     text primary key,
    due_date    text not null,
    set_by      text not null,
    set_at      text not null
);
-- Numbers the partnership chooses (such as the days after which a referral is open), each with
-- who set it; a name with no row has its default (accueil.access.followups).
create table if not exists partnership_settings (
    name    text primary key,
    value   text not null,
    set_by  text not null,
    set_at  text not null
);
-- The quarterly report (accueil.quarterly): each agency's note on its own section, newest
-- first (an empty note takes it back), and each draft and approval with the snapshot and the
-- notes it covered; an approval holds only while both are still the current ones.
create table if not exists report_notes (
    note_id     integer primary key autoincrement,
    quarter     text not null,
    agency_cd   text not null,
    note        text not null,
    written_by  text not null,
    written_at  text not null
);
create table if not exists report_reviews (
    review_id     integer primary key autoincrement,
    quarter       text not null,
    action        text not null check (action in ('drafted', 'approved')),
    snapshot_key  text not null,
    last_note_id  integer not null,
    actor         text not null,
    at            text not null
);
create table if not exists builds (
    build_id    integer primary key autoincrement,
    origin      text not null,
    started_at  text not null,
    finished_at text,
    status      text not null check (status in ('running', 'succeeded', 'failed', 'interrupted')),
    pid         integer not null,
    error       text
);
"""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Upload:
    upload_id: int
    kind: str
    agency_cd: str
    quarter: str
    file_name: str
    sha256: str
    size_bytes: int
    received_at: str
    received_by: str
    status: str
    errors: int
    warnings: int
    report_html: str | None
    report_csv: str | None
    decided_at: str | None
    loaded_at: str | None
    superseded_by: int | None
    subject: str = ""


def path() -> Path:
    return config.home() / "control.sqlite"


# Columns added to a table after its first release: `create table if not exists` leaves an older
# control database without them, so they are added at its first connection.
_ADDED_COLUMNS = {("users", "retry_after"): "text"}


def _widen_uploads(con: sqlite3.Connection) -> None:
    """An upload register made before client feedback files knows no kind 'survey' nor the column
    `subject`: SQLite cannot change a table's CHECK, so the table is rebuilt with the same rows
    (SQLite's documented twelve-step way), once, under a write lock."""
    found = con.execute("select sql from sqlite_master where type = 'table' and name = 'uploads'").fetchone()
    if found is None or "'survey'" in found[0]:
        return
    con.execute("begin immediate")
    try:
        found = con.execute("select sql from sqlite_master where type = 'table' and name = 'uploads'").fetchone()
        if "'survey'" not in found[0]:  # another process may have rebuilt it while this one waited
            columns = ", ".join(row[1] for row in con.execute("pragma table_info(uploads)"))
            table = SCHEMA.split("create table if not exists uploads", 1)[1].split(";", 1)[0]
            con.execute("create table uploads_widened" + table)
            con.execute(f"insert into uploads_widened ({columns}) select {columns} from uploads")
            con.execute("drop table uploads")
            con.execute("alter table uploads_widened rename to uploads")
            con.execute("create index if not exists uploads_partition on uploads (kind, agency_cd, quarter, status)")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _add_missing_columns(con: sqlite3.Connection) -> None:
    for (table, column), kind in _ADDED_COLUMNS.items():
        if column in {row[1] for row in con.execute(f"pragma table_info({table})")}:
            continue
        try:
            con.execute(f"alter table {table} add column {column} {kind}")
        except sqlite3.OperationalError as exc:
            if "duplicate column" not in str(exc):  # another process added it first
                raise


@contextmanager
def connect():
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(target, timeout=30, isolation_level=None)
    con.row_factory = sqlite3.Row
    try:
        con.executescript(SCHEMA)
        _widen_uploads(con)
        _add_missing_columns(con)
        yield con
    finally:
        con.close()


def audit(con: sqlite3.Connection, actor: str, action: str, target: str = "", **detail) -> None:
    con.execute(
        "insert into audit_log (at, actor, action, target, detail) values (?, ?, ?, ?, ?)",
        (now(), actor, action, target, json.dumps(detail, sort_keys=True, default=str)),
    )


def _upload(row: sqlite3.Row | None) -> Upload | None:
    return None if row is None else Upload(**dict(row))


def get_upload(con: sqlite3.Connection, upload_id: int) -> Upload | None:
    return _upload(con.execute("select * from uploads where upload_id = ?", (upload_id,)).fetchone())


def find_same(
    con: sqlite3.Connection, kind: str, agency: str, quarter: str, sha256: str, subject: str = ""
) -> Upload | None:
    """The earlier upload of exactly these bytes for this agency and quarter (and survey), if any."""
    return _upload(
        con.execute(
            "select * from uploads where kind = ? and agency_cd = ? and quarter = ? and subject = ? and sha256 = ? "
            "order by upload_id desc limit 1",
            (kind, agency, quarter, subject, sha256),
        ).fetchone()
    )


def current(con: sqlite3.Connection, kind: str, agency: str, quarter: str, subject: str = "") -> Upload | None:
    """The upload the warehouse holds, or will after the next build, for an extract's agency and
    quarter or for the agency reference: the newest accepted or loaded one, since the pipeline
    loads the newest accepted upload and supersedes every other (accueil.ingest.warehouse); a
    survey file's also by its survey (`subject`)."""
    return _upload(
        con.execute(
            "select * from uploads where kind = ? and agency_cd = ? and quarter = ? and subject = ?"
            " and status in ('accepted', 'loaded') order by upload_id desc limit 1",
            (kind, agency, quarter, subject),
        ).fetchone()
    )


def uploads(con: sqlite3.Connection, kind: str | None = None, agency: str | None = None) -> list[Upload]:
    sql, args = "select * from uploads where 1 = 1", []
    if kind:
        sql, args = sql + " and kind = ?", [*args, kind]
    if agency:
        sql, args = sql + " and agency_cd = ?", [*args, agency]
    return [_upload(r) for r in con.execute(sql + " order by upload_id", args).fetchall()]


def pending(con: sqlite3.Connection, kind: str) -> list[Upload]:
    """Accepted uploads not loaded yet: the newest per agency and quarter."""
    rows = con.execute(
        """select * from uploads u where kind = ? and status = 'accepted'
           and upload_id = (select max(upload_id) from uploads v where v.kind = u.kind
                            and v.agency_cd = u.agency_cd and v.quarter = u.quarter and v.status = 'accepted')
           order by agency_cd, quarter""",
        (kind,),
    ).fetchall()
    return [_upload(r) for r in rows]


# --- submission due dates: an admin's date for a quarter, where the default (30 days after the
# quarter ends, accueil.access.submissions) is not the partnership's ---


def set_due_date(con: sqlite3.Connection, actor: str, quarter: str, due_date: str | None) -> str | None:
    """Set (or with None, clear) the due date of a quarter's extracts, with its audit row in the same
    transaction; returns the date it replaces, if any."""
    con.execute("begin immediate")  # the change and its audit row, or neither
    try:
        row = con.execute("select due_date from submission_due_dates where quarter = ?", (quarter,)).fetchone()
        before = None if row is None else row[0]
        if due_date is None:
            con.execute("delete from submission_due_dates where quarter = ?", (quarter,))
        else:
            con.execute(
                "insert into submission_due_dates (quarter, due_date, set_by, set_at) values (?, ?, ?, ?)"
                " on conflict (quarter) do update set due_date = excluded.due_date, set_by = excluded.set_by,"
                " set_at = excluded.set_at",
                (quarter, due_date, actor, now()),
            )
        audit(con, actor, "submission_due_set", f"quarter:{quarter}", due_date=due_date, before=before)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return before


# --- partnership settings: a number the partnership chose, where the default is not its own ---


def setting(con: sqlite3.Connection, name: str) -> str | None:
    row = con.execute("select value from partnership_settings where name = ?", (name,)).fetchone()
    return None if row is None else row[0]


def set_setting(con: sqlite3.Connection, actor: str, name: str, value: str | None) -> str | None:
    """Set (or with None, clear) a partnership setting, with its audit row (`setting_set`) in the
    same transaction; returns the value it replaces, if any."""
    con.execute("begin immediate")  # the change and its audit row, or neither
    try:
        before = setting(con, name)
        if value is None:
            con.execute("delete from partnership_settings where name = ?", (name,))
        else:
            con.execute(
                "insert into partnership_settings (name, value, set_by, set_at) values (?, ?, ?, ?)"
                " on conflict (name) do update set value = excluded.value, set_by = excluded.set_by,"
                " set_at = excluded.set_at",
                (name, value, actor, now()),
            )
        audit(con, actor, "setting_set", f"setting:{name}", value=value, before=before)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return before


# --- builds: one row per load-build-publish, whoever started it (the service or `accueil build`) ---


@dataclass(frozen=True)
class Build:
    build_id: int
    origin: str  # 'service' (the Dagster daemon's runs) or 'command' (`accueil build`)
    started_at: str
    finished_at: str | None
    status: str
    pid: int
    error: str | None


def interrupt_running(con: sqlite3.Connection) -> int:
    """Called under the build lock, when no build can be running: a row still 'running' belongs
    to a build that was killed or crashed."""
    return con.execute(
        "update builds set status = 'interrupted', finished_at = ?,"
        " error = 'the build stopped before it finished (killed or crashed)' where status = 'running'",
        (now(),),
    ).rowcount


def interrupted_builds(con: sqlite3.Connection) -> int:
    return con.execute("select count(*) from builds where status = 'interrupted'").fetchone()[0]


def build_started(con: sqlite3.Connection, origin: str, pid: int) -> int:
    interrupt_running(con)
    return con.execute(
        "insert into builds (origin, started_at, status, pid) values (?, ?, 'running', ?) returning build_id",
        (origin, now(), pid),
    ).fetchone()[0]


def build_finished(con: sqlite3.Connection, build_id: int, error: str | None = None) -> None:
    con.execute(
        "update builds set status = ?, finished_at = ?, error = ? where build_id = ?",
        ("failed" if error else "succeeded", now(), error, build_id),
    )


def builds(con: sqlite3.Connection, limit: int = 20) -> list[Build]:
    """The newest builds first."""
    rows = con.execute("select * from builds order by build_id desc limit ?", (limit,)).fetchall()
    return [Build(**dict(r)) for r in rows]
