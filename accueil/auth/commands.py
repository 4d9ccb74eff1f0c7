"""`accueil users ...`: the local user store from the command line.

These commands act on the control database directly, so whoever runs them already holds
the files an admin manages; they are audited under the operating-system login name.
That is also how the first admin comes to exist.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from accueil import control
from accueil.access.policy import ROLES, operator
from accueil.auth import users
from accueil.auth.passwords import WeakPassword


def read_new_password() -> str:
    """From a prompt (twice, hidden) at a terminal; otherwise the first line of standard input."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    return sys.stdin.readline().rstrip("\r\n")


@click.group("users")
def users_group() -> None:
    """Local users, their roles, locks and back-offs (passwords are read from standard input, never arguments)."""


def _in_reference(role: str, agency: str | None, funds: list[str] | None = None) -> None:
    """An agency user's agency and a funder's grants are agencies of the agency reference file, or
    the user is not added: a code mistyped here would give a user who sees nothing, or later
    another agency's data."""
    codes = [agency] if role == "agency" and agency else list(funds or []) if role == "funder" else []
    if not codes:
        return  # users.add refuses a missing --agency, or --funds on another role, in its own words
    from accueil.access.submissions import reference_agencies

    reference = reference_agencies()
    for code in (c.strip().upper() for c in codes):
        if reference is None:
            raise click.ClickException(
                f"{code} cannot be checked: no agency reference file is loaded yet; "
                "load it with `accueil agencies load FILE` first."
            )
        if code not in set(reference["agency_cd"]):
            raise click.ClickException(f"{code} is not an agency of the agency reference file; check the code.")


def _split(funds: tuple[str, ...]) -> list[str] | None:
    """--funds AG001,AG002 or --funds AG001 --funds AG002."""
    codes = [code for value in funds for code in value.split(",") if code.strip()]
    return codes or None


_FUNDS = click.option(
    "--funds",
    multiple=True,
    help="For a funder: the agencies it funds (AG001,AG002 or the option again); it then reads those "
    "agencies and the region totals only. Without it, a funder reads every agency.",
)


@users_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--agency", help="The agency code an `agency` user is bound to.")
@_FUNDS
def add(name: str, role: str, agency: str | None, funds: tuple[str, ...]) -> None:
    """Add a user; the password comes from standard input (or a hidden prompt)."""
    _in_reference(role, agency, _split(funds))
    password = read_new_password()
    try:
        with control.connect() as con:
            user = users.add(con, operator(), name, role, agency, password, _split(funds))
    except (users.UserError, WeakPassword) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Added {user.name} ({_describe(user)}).")


@users_group.command("remove")
@click.argument("name")
def remove(name: str) -> None:
    """Remove a user and end their sessions."""
    try:
        with control.connect() as con:
            users.remove(con, operator(), name)
    except users.UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Removed {name.strip().lower()}.")


@users_group.command("set-role")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--agency", help="The agency code an `agency` user is bound to.")
@_FUNDS
def set_role(name: str, role: str, agency: str | None, funds: tuple[str, ...]) -> None:
    """Change a user's role, or a funder's grants (their open sessions end)."""
    _in_reference(role, agency, _split(funds))
    try:
        with control.connect() as con:
            user = users.set_role(con, operator(), name, role, agency, _split(funds))
    except users.UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{user.name} is now {_describe(user)}.")


@users_group.command("lock")
@click.argument("name")
def lock(name: str) -> None:
    """Refuse every sign-in of this account until `accueil users unlock` (its sessions end now)."""
    try:
        with control.connect() as con:
            user = users.lock(con, operator(), name)
    except users.UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Locked {user.name}: it cannot sign in until `accueil users unlock {user.name}`.")


@users_group.command("unlock")
@click.argument("name")
def unlock(name: str) -> None:
    """Lift an admin's lock, or the back-off after wrong passwords, and reset the count of failures."""
    try:
        with control.connect() as con:
            user = users.unlock(con, operator(), name)
    except users.UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Unlocked {user.name}.")


@users_group.command("list")
def list_users() -> None:
    """List users, roles, locks and back-offs (wrong passwords in a row, and until when sign-ins are refused)."""
    with control.connect() as con:
        rows = users.all_users(con)
    if not rows:
        click.echo("No users yet: add one with `accueil users add NAME --role admin`.")
        return
    now = datetime.now(UTC)
    # A funder's grants can be longer than one agency code: the column is as wide as its longest.
    width = max([8, *(len(u.agency or ",".join(u.funds)) for u in rows)])
    heading = f"{'name':<24} {'role':<8} {'agency':<{width}} {'state':<8} {'failures':>8}  {'created':<25}"
    click.echo(f"{heading}  refused until")
    for u in rows:
        state, until = _state(u, now)
        who = f"{u.name:<24} {u.role:<8} {u.agency or ','.join(u.funds):<{width}}"
        click.echo(f"{who} {state:<8} {u.failed_signins:>8}  {u.created_at:<25}  {until}".rstrip())


def _state(user: users.User, now: datetime) -> tuple[str, str]:
    if user.locked:
        return "locked", "an admin unlocks it"
    if user.waiting(now):
        return "back-off", user.retry_after[:19].replace("T", " ") + " UTC"
    return "active", ""


def _describe(user: users.User) -> str:
    if user.funds:
        return f"{user.role} of {', '.join(user.funds)}"
    return f"{user.role} for {user.agency}" if user.agency else user.role
