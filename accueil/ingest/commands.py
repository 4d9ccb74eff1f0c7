"""`accueil uploads`: the upload register, and `accueil uploads restore N` to go back to a good file."""

from __future__ import annotations

import getpass
import sys

import click

from accueil.refused import Refused


def agency_code_option(ctx, param, value: str | None) -> str | None:
    """A click callback: the agency code, checked before it reaches a path, a query or a report."""
    from accueil.ingest.names import InvalidName, agency_code

    try:
        return None if value is None else agency_code(value)
    except InvalidName as exc:
        raise Refused(str(exc)) from None


def _agency_option(function):
    return click.option("--agency", callback=agency_code_option, help="Only this agency's uploads.")(function)


@click.group("uploads", invoke_without_command=True)
@_agency_option
@click.pass_context
def uploads_group(ctx: click.Context, agency: str | None) -> None:
    """The upload register: what was received, when, by whom, and what became of it.

    Without a subcommand, list it (as `accueil uploads list`).
    """
    if ctx.invoked_subcommand is None:
        _list(agency)


@uploads_group.command("list")
@_agency_option
def uploads_list(agency: str | None) -> None:
    """List the upload register: what was received, when, by whom, and what became of it."""
    _list(agency)


def _list(agency: str | None) -> None:
    from accueil import control

    with control.connect() as con:
        rows = control.uploads(con, agency=agency)
    if not rows:
        click.echo("No uploads yet.")
        return
    click.echo(
        f"{'id':>5}  {'kind':<8} {'agency':<7} {'quarter':<7} {'status':<10} {'err':>4} {'warn':>5}  "
        f"{'received':<25} {'by':<10} file"
    )
    for u in rows:
        click.echo(
            f"{u.upload_id:>5}  {u.kind:<8} {u.agency_cd:<7} {u.quarter:<7} {u.status:<10} {u.errors:>4} "
            f"{u.warnings:>5}  {u.received_at:<25} {u.received_by:<10} {u.file_name}"
        )


@uploads_group.command("restore")
@click.argument("number")
@click.option("--user", default=lambda: getpass.getuser(), show_default="the login name", help="Who restores it.")
@click.option("--lang", type=click.Choice(["en", "fr"]), help="Report language; default: the agency's own.")
def uploads_restore(number: str, user: str, lang: str | None) -> None:
    """Make upload NUMBER's file current again, after a later file replaced it.

    Its bytes become a new upload, checked again and audited (`upload_restored`); the next
    build loads it in place of the current one.  Exit 0 when accepted, 2 when refused or
    rejected.
    """
    from accueil.cli import _print_submission
    from accueil.ingest.names import upload_id
    from accueil.ingest.rollback import RestoreRefused, restore

    try:
        submission = restore(number, user, lang)
    except RestoreRefused as exc:
        raise Refused(str(exc)) from None
    upload = submission.upload
    what = f"upload {upload_id(number)}'s file {upload.file_name}"
    if upload.agency_cd:
        what += f" for {upload.agency_cd} {upload.quarter}"
    _print_submission(submission, what)
    if not submission.accepted:
        sys.exit(2)
