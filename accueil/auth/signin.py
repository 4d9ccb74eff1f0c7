"""Checking a name and password: success, failure, and a growing wait after wrong passwords.

A failed sign-in tells a stranger nothing.  An unknown name, a wrong password, an account
waiting out its back-off and an account an admin has locked all get the same sentence,
and each costs one argon2 verification (against a decoy hash when the password is not
checked), so neither the answer nor its time tells them apart, nor whether the name
exists.  The audit log, which only admins read, records which it was.

Why a back-off and no automatic lock: the account used to lock for good after five wrong
passwords, so whoever knew a user's name could lock them out with five guesses, and the
locked account's own message said that the name existed.  Now the n-th wrong password in
a row, from ACCUEIL_SIGNIN_BACKOFF_AFTER on (default 3), makes the account refuse every
attempt, the right password included, for min(2 ** (n - 3), 300) seconds (1, 2, 4, ...
up to ACCUEIL_SIGNIN_BACKOFF_MAX_SECONDS).  A guesser gets about one try in five minutes;
when they stop, the account opens again by itself within five minutes.  An attempt
refused during the wait is not counted: its password is never checked.  Only an admin
locks an account for good (`accueil users lock`); `accueil users unlock` lifts a lock or
a back-off, and `accueil users list` shows both.

What the audit log keeps of a failed attempt: the name only when it is an existing user's.
People type their password in the name box; and a name nobody has is whatever a stranger
chose to send, a formula or markup for the admin's screen included.  So an unknown name is
recorded as `unknown user #<12 hex digits>`, the start of an HMAC-SHA256 of the name (as
sign-in reads it: trimmed, lower case) keyed with this home's secret (accueil.auth.cookies):
repeated attempts with one name share a mark an admin can follow, and nobody can read the
name back from it, nor test a guess, without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from datetime import UTC, datetime, timedelta

from accueil import config, control
from accueil.auth import cookies, passwords, users


class SignInFailed(PermissionError):
    pass


_WRONG = "wrong user name or password"
_LONGEST_EXPONENT = 32  # beyond it the cap applies anyway; keeps 2 ** n small
_FINGERPRINT = b"accueil-signin-name-v1"  # keeps this use of the home's key apart from signing cookies
UNKNOWN = "unknown user #"


def _now() -> datetime:
    return datetime.now(UTC)


def backoff_seconds(failures: int) -> int:
    """How long the account refuses sign-ins after this many wrong passwords in a row."""
    first = config.signin_backoff_after()
    if failures < first:
        return 0
    return min(2 ** min(failures - first, _LONGEST_EXPONENT), config.signin_backoff_max_seconds())


def authenticate(con: sqlite3.Connection, name: str, password: str) -> users.User:
    """The user, when the password is theirs and the account may sign in now; every attempt is audited."""
    key = name.strip().lower()[:64]
    user = users.get(con, key)
    refused = _refusal(user)
    if refused:
        passwords.spend_verify_time(password)
        # Only an existing user's name is written as typed: anything else may be a password.
        who = user.name if user is not None else fingerprint(key)
        control.audit(con, who, "signin_failed", f"user:{who}", **refused)
        raise SignInFailed(_WRONG)
    stored = users.password_hash(con, user.name)
    if not passwords.verify(stored, password):
        _count_failure(con, user.name)
        raise SignInFailed(_WRONG)
    if passwords.needs_rehash(stored):
        con.execute("update users set password_hash = ? where name = ?", (passwords.hash_password(password), user.name))
    con.execute("begin immediate")
    try:
        con.execute("update users set failed_signins = 0, retry_after = null where name = ?", (user.name,))
        control.audit(con, user.name, "signin", f"user:{user.name}", role=user.role, agency=user.agency)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return users.get(con, user.name)


def fingerprint(name: str) -> str:
    """How the audit log names a sign-in attempt with a name no user has: `unknown user #` and the
    first 12 hex digits of the name's HMAC-SHA256 under this home's key, never the name itself."""
    key = hmac.new(cookies.secret().encode("utf-8"), _FINGERPRINT, hashlib.sha256).digest()
    mark = hmac.new(key, name.strip().lower()[:64].encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()
    return UNKNOWN + mark[:12]


def _refusal(user: users.User | None) -> dict | None:
    """Why this attempt is refused without checking its password (for the audit log), or None."""
    if user is None:
        return {"reason": "unknown user"}
    if user.locked:
        return {"reason": "locked", "locked_at": user.locked_at}
    if user.waiting(_now()):
        return {"reason": "backing off", "retry_after": user.retry_after}
    return None


def _count_failure(con: sqlite3.Connection, name: str) -> None:
    con.execute("begin immediate")
    try:
        # One statement, so two simultaneous wrong guesses both count.
        (failures,) = con.execute(
            "update users set failed_signins = failed_signins + 1 where name = ? returning failed_signins", (name,)
        ).fetchone()
        control.audit(con, name, "signin_failed", f"user:{name}", reason="wrong password", failures=failures)
        wait = backoff_seconds(failures)
        if wait:
            until = (_now() + timedelta(seconds=wait)).isoformat()
            con.execute("update users set retry_after = ? where name = ?", (until, name))
            control.audit(con, name, "signin_backoff", f"user:{name}", failures=failures, seconds=wait, until=until)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
