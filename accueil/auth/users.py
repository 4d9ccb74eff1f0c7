"""The local user store in the control database: who exists, with which role, and changes to it.

Every change is written to the audit log in the same transaction as the change itself,
so a role change cannot happen without its audit row.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, replace
from datetime import datetime

from accueil import control
from accueil.access.policy import ROLES, Viewer
from accueil.auth.passwords import hash_password

_NAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
_AGENCY = re.compile(r"^[A-Z0-9_-]{1,32}$")


class UserError(ValueError):
    pass


@dataclass(frozen=True)
class User:
    name: str
    role: str
    agency: str | None
    failed_signins: int
    locked_at: str | None  # set by an admin (`accueil users lock`), lifted only by an admin
    retry_after: str | None  # the back-off after wrong passwords (accueil.auth.signin)
    created_at: str
    changed_at: str
    funds: tuple[str, ...] = ()  # a funder's grants: the agencies it reads (none: every agency)

    @property
    def locked(self) -> bool:
        return self.locked_at is not None

    def waiting(self, now: datetime) -> bool:
        """Whether sign-ins are refused until the back-off after wrong passwords has passed."""
        return self.retry_after is not None and datetime.fromisoformat(self.retry_after) > now

    def viewer(self) -> Viewer:
        return Viewer(name=self.name, role=self.role, agency=self.agency, funds=frozenset(self.funds) or None)


def normalise_name(name: str) -> str:
    value = name.strip().lower()
    if not _NAME.match(value):
        raise UserError("a user name is 1-64 letters, digits or . _ @ -, starting with a letter or digit")
    return value


def _role(role: str, agency: str | None) -> tuple[str, str | None]:
    if role not in ROLES:
        raise UserError(f"the role must be one of {', '.join(ROLES)}")
    if role == "agency":
        if not agency:
            raise UserError("an agency user needs --agency CODE")
        agency = agency.strip().upper()
        if not _AGENCY.match(agency):
            raise UserError(f"{agency!r} is not an agency code")
        return role, agency
    if agency:
        raise UserError("only an agency user is bound to an agency")
    return role, None


def _user(row: sqlite3.Row | None) -> User | None:
    if row is None:
        return None
    return User(
        name=row["name"],
        role=row["role"],
        agency=row["agency_cd"],
        failed_signins=row["failed_signins"],
        locked_at=row["locked_at"],
        retry_after=row["retry_after"],
        created_at=row["created_at"],
        changed_at=row["changed_at"],
    )


def get(con: sqlite3.Connection, name: str) -> User | None:
    user = _user(con.execute("select * from users where name = ?", (name.strip().lower(),)).fetchone())
    return None if user is None else _with_funds(con, user)


def _with_funds(con: sqlite3.Connection, user: User) -> User:
    rows = con.execute("select agency_cd from user_agencies where user_name = ? order by agency_cd", (user.name,))
    return replace(user, funds=tuple(code for (code,) in rows))


def _funds(role: str, funds: list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """A funder's grants as agency codes (checked like --agency), sorted, each once."""
    if not funds:
        return ()
    if role != "funder":
        raise UserError("only a funder is bound to the agencies it funds (--funds)")
    codes = sorted({code.strip().upper() for code in funds if code.strip()})
    for code in codes:
        if not _AGENCY.match(code):
            raise UserError(f"{code!r} is not an agency code")
    if not codes:
        raise UserError("--funds needs at least one agency code")
    return tuple(codes)


def _set_funds(con: sqlite3.Connection, name: str, funds: tuple[str, ...]) -> None:
    con.execute("delete from user_agencies where user_name = ?", (name,))
    con.executemany("insert into user_agencies (user_name, agency_cd) values (?, ?)", [(name, c) for c in funds])


def password_hash(con: sqlite3.Connection, name: str) -> str | None:
    row = con.execute("select password_hash from users where name = ?", (name,)).fetchone()
    return None if row is None else row[0]


def all_users(con: sqlite3.Connection) -> list[User]:
    return [_with_funds(con, _user(r)) for r in con.execute("select * from users order by name").fetchall()]


def add(
    con: sqlite3.Connection,
    actor: str,
    name: str,
    role: str,
    agency: str | None,
    password: str,
    funds: list[str] | tuple[str, ...] | None = None,
) -> User:
    name = normalise_name(name)
    role, agency = _role(role, agency)
    granted = _funds(role, funds)
    hashed = hash_password(password)  # before the transaction: argon2 is deliberately slow
    now = control.now()
    con.execute("begin immediate")
    try:
        if get(con, name) is not None:
            raise UserError(f"there is already a user named {name}")
        con.execute(
            "insert into users (name, role, agency_cd, password_hash, created_at, changed_at)"
            " values (?, ?, ?, ?, ?, ?)",
            (name, role, agency, hashed, now, now),
        )
        _set_funds(con, name, granted)
        audited = {"funds": list(granted)} if granted else {}
        control.audit(con, actor, "user_added", f"user:{name}", role=role, agency=agency, **audited)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return get(con, name)


def _existing(con: sqlite3.Connection, name: str) -> User:
    user = get(con, normalise_name(name))
    if user is None:
        raise UserError(f"there is no user named {name.strip().lower()}")
    return user


def remove(con: sqlite3.Connection, actor: str, name: str) -> None:
    con.execute("begin immediate")
    try:
        user = _existing(con, name)
        con.execute("delete from user_agencies where user_name = ?", (user.name,))
        con.execute("delete from users where name = ?", (user.name,))
        con.execute("delete from sessions where user_name = ?", (user.name,))
        control.audit(con, actor, "user_removed", f"user:{user.name}", role=user.role, agency=user.agency)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def set_role(
    con: sqlite3.Connection,
    actor: str,
    name: str,
    role: str,
    agency: str | None,
    funds: list[str] | tuple[str, ...] | None = None,
) -> User:
    role, agency = _role(role, agency)
    granted = _funds(role, funds)
    con.execute("begin immediate")
    try:
        user = _existing(con, name)
        con.execute(
            "update users set role = ?, agency_cd = ?, changed_at = ? where name = ?",
            (role, agency, control.now(), user.name),
        )
        _set_funds(con, user.name, granted)
        # Open sessions carry the old rights in the dashboards' memory: end them.
        con.execute("delete from sessions where user_name = ?", (user.name,))
        changed_funds = {"old_funds": list(user.funds), "funds": list(granted)} if user.funds or granted else {}
        control.audit(
            con,
            actor,
            "user_role_changed",
            f"user:{user.name}",
            old_role=user.role,
            old_agency=user.agency,
            role=role,
            agency=agency,
            **changed_funds,
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return get(con, user.name)


def lock(con: sqlite3.Connection, actor: str, name: str) -> User:
    """Refuse every sign-in of this account until an admin unlocks it, and end its sessions."""
    con.execute("begin immediate")
    try:
        user = _existing(con, name)
        now = control.now()
        con.execute("update users set locked_at = ?, changed_at = ? where name = ?", (now, now, user.name))
        con.execute("delete from sessions where user_name = ?", (user.name,))
        control.audit(con, actor, "user_locked", f"user:{user.name}")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return get(con, user.name)


def unlock(con: sqlite3.Connection, actor: str, name: str) -> User:
    """Lift an admin's lock and any back-off, and start the count of wrong passwords again."""
    con.execute("begin immediate")
    try:
        user = _existing(con, name)
        con.execute(
            "update users set failed_signins = 0, locked_at = null, retry_after = null, changed_at = ? where name = ?",
            (control.now(), user.name),
        )
        control.audit(
            con,
            actor,
            "user_unlocked",
            f"user:{user.name}",
            was_locked_at=user.locked_at,
            was_retry_after=user.retry_after,
            failures=user.failed_signins,
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return get(con, user.name)
