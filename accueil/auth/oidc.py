"""The production sign-in: an OpenID Connect identity (Streamlit's `st.login`) mapped to a Viewer.

The identity provider says who the person is and, in claims the partnership configures
there, which role and agency they have:

* ``ACCUEIL_OIDC_ROLE_CLAIM`` (default ``accueil_role``): one of agency, funder, council,
  admin; a list is accepted when it holds exactly one of them.
* ``ACCUEIL_OIDC_AGENCY_CLAIM`` (default ``accueil_agency``): the agency code of an agency user.
* ``ACCUEIL_OIDC_NAME_CLAIM`` (default ``email``, then ``sub``): the name in the audit log.

Nothing here trusts a claim it cannot read as one of those values: a missing or unknown
role, or an agency user without a well-formed agency code, is refused, never given a
default.  Streamlit does not check the identity token's expiry; `identity_expired` does,
and also caps a sign-in at ACCUEIL_SESSION_MINUTES like the local one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import UTC, datetime

from accueil import config
from accueil.access.policy import ROLES, Viewer

_AGENCY = re.compile(r"^[A-Z0-9_-]{1,32}$")
_NAME = re.compile(r"^[^\s\x00-\x1f]{1,128}$")


class IdentityRefused(PermissionError):
    pass


def role_claim() -> str:
    return os.environ.get("ACCUEIL_OIDC_ROLE_CLAIM", "accueil_role")


def agency_claim() -> str:
    return os.environ.get("ACCUEIL_OIDC_AGENCY_CLAIM", "accueil_agency")


def name_claim() -> str:
    return os.environ.get("ACCUEIL_OIDC_NAME_CLAIM", "email")


def _one(value) -> str | None:
    if isinstance(value, (list, tuple)):
        known = [v for v in value if isinstance(v, str) and v.strip().lower() in ROLES]
        return known[0] if len(known) == 1 else None
    return value if isinstance(value, str) else None


def viewer_from_claims(claims: Mapping) -> Viewer:
    """The Viewer these identity-token claims describe, or IdentityRefused with the reason."""
    name = claims.get(name_claim()) or claims.get("sub")
    if not isinstance(name, str) or not _NAME.match(name.strip()):
        raise IdentityRefused(f"the identity has no usable {name_claim()!r} or 'sub' claim")
    role = _one(claims.get(role_claim()))
    if role is None or role.strip().lower() not in ROLES:
        raise IdentityRefused(
            f"the identity provider gives {name} no Accueil role: its {role_claim()!r} claim must be one of "
            f"{', '.join(ROLES)}"
        )
    role = role.strip().lower()
    agency = None
    if role == "agency":
        raw = claims.get(agency_claim())
        agency = raw.strip().upper() if isinstance(raw, str) else ""
        if not _AGENCY.match(agency):
            raise IdentityRefused(f"{name} is an agency user, but its {agency_claim()!r} claim is not an agency code")
    return Viewer(name=f"oidc:{name.strip().lower()}", role=role, agency=agency)


def identity_expired(claims: Mapping, first_seen: datetime, now: datetime | None = None) -> bool:
    """True when the ID token's `exp` has passed, or the sign-in is older than the session length."""
    now = now or datetime.now(UTC)
    expires = claims.get("exp")
    if isinstance(expires, (int, float)) and datetime.fromtimestamp(expires, UTC) <= now:
        return True
    issued = claims.get("iat")
    start = datetime.fromtimestamp(issued, UTC) if isinstance(issued, (int, float)) else first_seen
    return (now - start).total_seconds() >= 60 * config.session_minutes()
