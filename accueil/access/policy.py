"""Who may run which query: the rules every page and command goes through."""

from __future__ import annotations

import getpass
from dataclasses import dataclass

ROLES = ("agency", "funder", "council", "admin")

# What a query exposes: "catalog" (table names, code lists, agency and program names),
# "aggregate" (disclosure-controlled counts and rates), "agency" (one agency's own
# client-level rows or figures derived from them; the query takes an `agency` parameter).
SCOPES = ("catalog", "aggregate", "agency")


class AccessDenied(PermissionError):
    pass


@dataclass(frozen=True)
class Viewer:
    name: str
    role: str
    agency: str | None = None  # the agency an `agency` user is bound to

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        if (self.role == "agency") != bool(self.agency):
            raise ValueError("an agency user is bound to exactly one agency, and only an agency user is")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def may_read(self, scope: str, params: dict) -> bool:
        if scope in ("catalog", "aggregate") or self.is_admin:
            return True
        if scope == "agency":
            # Compared as given: "a01" or " AG001" is not a way to another spelling of a code.
            return self.role == "agency" and params.get("agency") == self.agency
        return False

    def may_upload(self, agency: str) -> bool:
        return self.is_admin or (self.role == "agency" and agency == self.agency)

    def check(self, scope: str, params: dict) -> None:
        if not self.may_read(scope, params):
            raise AccessDenied(f"{self.name} ({self.role}) may not read {scope} data with {params}")

    def check_admin(self, what: str) -> None:
        if not self.is_admin:
            raise AccessDenied(f"{self.name} ({self.role}) may not read {what}: admins only")


def operator() -> str:
    """Who runs a command on the home's files, as the audit log names them: `os:` and the login name.

    Such a command needs no sign-in: whoever can run it already holds the files an admin manages.
    """
    return f"os:{getpass.getuser()}"
