"""Who may run which query: the rules every page and command goes through."""

from __future__ import annotations

import getpass
from dataclasses import dataclass

ROLES = ("agency", "funder", "council", "admin")

# What a query exposes: "catalog" (table names, code lists, agency and program names),
# "aggregate" (disclosure-controlled counts and rates), "agency" (one agency's own
# client-level rows or figures derived from them; the query takes an `agency` parameter).
SCOPES = ("catalog", "aggregate", "agency")
REGION = "ALL"  # the agency code of the region totals in the marts


class AccessDenied(PermissionError):
    pass


@dataclass(frozen=True)
class Viewer:
    name: str
    role: str
    agency: str | None = None  # the agency an `agency` user is bound to
    # The agencies a funder is bound to (its grants): it reads those agencies and the region totals
    # only (accueil.access.scope).  None: every agency.
    funds: frozenset[str] | None = None

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        if (self.role == "agency") != bool(self.agency):
            raise ValueError("an agency user is bound to exactly one agency, and only an agency user is")
        if self.funds is not None and (self.role != "funder" or not self.funds):
            raise ValueError("only a funder is bound to a set of agencies, and to at least one")

    def may_see_agency(self, agency: str) -> bool:
        """Whether figures of this agency (or of the region, `ALL`) are in the viewer's scope."""
        return self.funds is None or agency == REGION or agency in self.funds

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def may_read(self, scope: str, params: dict) -> bool:
        if scope in ("catalog", "aggregate") or self.is_admin:
            # A funder bound to its grants asks for no other agency's figures by name.
            return "agency" not in params or self.may_see_agency(params["agency"])
        if scope == "agency":
            # Compared as given: "a01" or " AG001" is not a way to another spelling of a code.
            return self.role == "agency" and params.get("agency") == self.agency
        return False

    def may_upload(self, agency: str) -> bool:
        return self.is_admin or (self.role == "agency" and agency == self.agency)

    def check(self, scope: str, params: dict) -> None:
        if not self.may_read(scope, params):
            raise AccessDenied(f"{self.name} ({self.role}) may not read {scope} data with {params}")

    def may_see_submissions(self, agency: str | None) -> bool:
        """Who sent which quarter (accueil.access.submissions): admins and the council for every agency,
        an agency user for its own only."""
        if self.role in ("admin", "council"):
            return True
        return self.role == "agency" and agency == self.agency

    def check_submissions(self, agency: str | None) -> None:
        if not self.may_see_submissions(agency):
            whose = "every agency's" if agency is None else f"{agency}'s"
            raise AccessDenied(f"{self.name} ({self.role}) may not read {whose} submission status")

    def check_admin(self, what: str) -> None:
        if not self.is_admin:
            raise AccessDenied(f"{self.name} ({self.role}) may not read {what}: admins only")


def operator() -> str:
    """Who runs a command on the home's files, as the audit log names them: `os:` and the login name.

    Such a command needs no sign-in: whoever can run it already holds the files an admin manages.
    """
    return f"os:{getpass.getuser()}"
