"""Checking a name and password: success, failure, and lock-out after repeated failures.

An unknown name and a wrong password get the same answer and cost the same time, so
the sign-in cannot be used to find out which names exist.  A locked account is refused
without checking the password, so a locked account cannot be used to keep guessing.
"""

from __future__ import annotations

import sqlite3

from accueil import config, control
from accueil.auth import passwords, users


class SignInFailed(PermissionError):
    pass


class AccountLocked(SignInFailed):
    pass


_WRONG = "wrong user name or password"


def authenticate(con: sqlite3.Connection, name: str, password: str) -> users.User:
    """The user, when the password is theirs and the account is not locked; every attempt is audited."""
    key = name.strip().lower()[:64]
    user = users.get(con, key)
    if user is None:
        passwords.spend_verify_time(password)
        control.audit(con, key, "signin_failed", f"user:{key}", reason="unknown user")
        raise SignInFailed(_WRONG)
    if user.locked:
        control.audit(con, user.name, "signin_failed", f"user:{user.name}", reason="locked")
        raise AccountLocked(_locked_message(user.name))
    stored = users.password_hash(con, user.name)
    if not passwords.verify(stored, password):
        raise _count_failure(con, user.name)
    if passwords.needs_rehash(stored):
        con.execute("update users set password_hash = ? where name = ?", (passwords.hash_password(password), user.name))
    con.execute("begin immediate")
    try:
        con.execute("update users set failed_signins = 0 where name = ?", (user.name,))
        control.audit(con, user.name, "signin", f"user:{user.name}", role=user.role, agency=user.agency)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return users.get(con, user.name)


def _locked_message(name: str) -> str:
    return f"this account is locked after too many wrong passwords: an admin can run `accueil users unlock {name}`"


def _count_failure(con: sqlite3.Connection, name: str) -> SignInFailed:
    limit = config.max_failed_signins()
    con.execute("begin immediate")
    try:
        # One statement, so two simultaneous wrong guesses both count.
        failures, locked_at = con.execute(
            "update users set failed_signins = failed_signins + 1,"
            " locked_at = case when failed_signins + 1 >= ? then ? else locked_at end"
            " where name = ? returning failed_signins, locked_at",
            (limit, control.now(), name),
        ).fetchone()
        control.audit(con, name, "signin_failed", f"user:{name}", reason="wrong password", failures=failures)
        if locked_at is not None:
            control.audit(con, name, "account_locked", f"user:{name}", failures=failures, limit=limit)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return AccountLocked(_locked_message(name)) if locked_at is not None else SignInFailed(_WRONG)
