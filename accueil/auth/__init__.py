"""Sign-in for the embedded deployment: local users, argon2 password hashes, back-off, expiring sessions.

Rights themselves are not decided here: a signed-in user becomes an accueil.access
Viewer, and the access layer decides what that viewer may read.
"""

from __future__ import annotations

from accueil import control
from accueil.access.policy import Viewer
from accueil.auth import sessions
from accueil.auth.passwords import WeakPassword
from accueil.auth.sessions import Session, SessionExpired
from accueil.auth.signin import SignInFailed, authenticate
from accueil.auth.users import User, UserError


def sign_in(name: str, password: str) -> Session:
    """Check the password and open a session (for a page that keeps the token)."""
    with control.connect() as con:
        user = authenticate(con, name, password)
        return sessions.start(con, user)


def viewer_for(name: str, password: str) -> Viewer:
    """Check the password for a one-off command: the viewer it acts as, with no session left behind."""
    with control.connect() as con:
        return authenticate(con, name, password).viewer()


def viewer_for_session(token: str) -> Viewer:
    with control.connect() as con:
        return sessions.resume(con, token).viewer()


def sign_out(token: str, viewer: Viewer | None = None) -> None:
    with control.connect() as con:
        sessions.end(con, token)
        if viewer is not None:
            control.audit(con, viewer.name, "signout", f"user:{viewer.name}", role=viewer.role)


def has_users() -> bool:
    with control.connect() as con:
        return con.execute("select exists (select 1 from users)").fetchone()[0] == 1


__all__ = [
    "Session",
    "SessionExpired",
    "SignInFailed",
    "User",
    "UserError",
    "WeakPassword",
    "authenticate",
    "has_users",
    "sign_in",
    "sign_out",
    "viewer_for",
    "viewer_for_session",
]
