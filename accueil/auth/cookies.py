"""The session cookie of the served dashboards: the session token, signed, HttpOnly.

The token is already random and stored only as a hash (accueil.auth.sessions); the
signature adds an age limit and refuses any cookie this home did not issue before the
control database is asked.  The key comes from ACCUEIL_COOKIE_SECRET, or from a file
made once in the home, readable by its owner only: several dashboard servers of one
partnership must share it.
"""

from __future__ import annotations

import os
import secrets

from itsdangerous import BadSignature, TimestampSigner

from accueil import config

NAME = "accueil_session"
_SALT = "accueil-session-v1"


def secret() -> str:
    """This home's key: ACCUEIL_COOKIE_SECRET, or the owner-only key file made once in the home."""
    given = os.environ.get("ACCUEIL_COOKIE_SECRET")
    if given:
        return given
    path = config.home() / "cookie.secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two servers starting together must not write two different keys.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def seal(token: str) -> str:
    return TimestampSigner(secret(), salt=_SALT).sign(token.encode()).decode()


def unseal(value: str | None) -> str | None:
    """The session token in a cookie value, or None when it is missing, forged or too old."""
    if not value:
        return None
    try:
        token = TimestampSigner(secret(), salt=_SALT).unsign(value, max_age=config.session_minutes() * 60)
    except BadSignature:
        return None
    return token.decode()


def max_age() -> int:
    return config.session_minutes() * 60


def secure(scheme: str) -> bool:
    """Secure whenever the browser came over https (the TLS proxy says so in X-Forwarded-Proto);
    ACCUEIL_COOKIE_SECURE=1 forces it, for a proxy that does not say."""
    setting = os.environ.get("ACCUEIL_COOKIE_SECURE", "auto").lower()
    return setting in ("1", "true", "yes") or (setting == "auto" and scheme == "https")
