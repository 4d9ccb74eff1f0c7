"""Sessions: a random token for the browser, only its hash in the control database, and an expiry.

The expiry is counted from sign-in, not from the last click, so a forgotten open tab
cannot stay signed in for ever.  A session gives back the user's *current* role: a role
changed or removed by an admin applies at the next page, not at the next sign-in.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from accueil import config
from accueil.auth import users


class SessionExpired(PermissionError):
    pass


@dataclass(frozen=True)
class Session:
    token: str  # give it to the client; it is stored nowhere on the server side
    user: users.User
    expires_at: datetime


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def start(con: sqlite3.Connection, user: users.User, at: datetime | None = None) -> Session:
    created = at or _now()
    expires = created + timedelta(minutes=config.session_minutes())
    token = secrets.token_urlsafe(32)
    con.execute(
        "insert into sessions (token_sha256, user_name, created_at, expires_at) values (?, ?, ?, ?)",
        (_digest(token), user.name, created.isoformat(), expires.isoformat()),
    )
    return Session(token, user, expires)


def resume(con: sqlite3.Connection, token: str, at: datetime | None = None) -> users.User:
    """The session's user, or SessionExpired when the token is unknown, expired or its user gone or locked."""
    digest = _digest(token)
    row = con.execute("select user_name, expires_at from sessions where token_sha256 = ?", (digest,)).fetchone()
    if row is None:
        raise SessionExpired("please sign in")
    if datetime.fromisoformat(row["expires_at"]) <= (at or _now()):
        con.execute("delete from sessions where token_sha256 = ?", (digest,))
        raise SessionExpired("your session has expired: please sign in again")
    user = users.get(con, row["user_name"])
    if user is None or user.locked:
        con.execute("delete from sessions where token_sha256 = ?", (digest,))
        raise SessionExpired("please sign in")
    return user


def end(con: sqlite3.Connection, token: str) -> None:
    con.execute("delete from sessions where token_sha256 = ?", (_digest(token),))


def purge_expired(con: sqlite3.Connection, at: datetime | None = None) -> int:
    # ISO timestamps in UTC with the same offset sort as text.
    return con.execute("delete from sessions where expires_at <= ?", ((at or _now()).isoformat(),)).rowcount
