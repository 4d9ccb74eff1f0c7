"""The door from the command line: `accueil upload`, `accueil agencies load`, and the upload register.

`accueil uploads` lists the register and `accueil uploads restore N` goes back to a good
file; `print_submission` says what became of a file, for these and for `accueil indicators`.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click

from accueil.click_types import QuarterType
from accueil.quarters import Quarter
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
    print_submission(submission, what)
    if not submission.accepted:
        sys.exit(2)


def print_submission(submission, what: str, lang: str | None = None) -> None:
    """What became of a file at the door: accepted, rejected (with its first errors) or already received.

    A file uploaded as another quarter than its dates are in gets that said in one sentence, in the
    report's language (`lang`, else the agency's own), before any row error."""
    upload = submission.upload
    if submission.duplicate:
        click.echo(
            f"This file was already received on {upload.received_at} as upload {upload.upload_id} "
            f"({upload.status}): nothing to do."
        )
    elif submission.accepted:
        if submission.restored_from:
            click.echo(
                f"Restored: this file was upload {submission.restored_from}, which a later file replaced; "
                "checked again, it replaces the current version at the next build."
            )
        click.echo(
            f"Accepted: {what} is upload {upload.upload_id}, with {upload.warnings} warning(s). "
            "A running service (`accueil serve`) publishes it within minutes; otherwise run `accueil build`."
        )
    else:
        click.echo(f"Rejected: {what} has {upload.errors} error(s); nothing from it was loaded.")
        if submission.outcome is not None:
            from accueil.ingest.submit import report_language
            from accueil.report.document import HEADLINE_RULES

            headline = submission.outcome.report.headline(report_language(upload.agency_cd, lang))
            if headline:
                click.echo(headline)
            for problem in submission.outcome.report.listed()[:8]:
                if problem.severity != "error" or problem.rule in HEADLINE_RULES:
                    continue
                where = ", ".join(
                    x for x in (problem.sheet, f"row {problem.row}" if problem.row else "", problem.column) if x
                )
                click.echo(f"  - {where}: {problem.text('en')[0]}" if where else f"  - {problem.text('en')[0]}")
    click.echo(f"Report: {upload.report_html}")
    click.echo(f"        {upload.report_csv}")


@click.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--agency", required=True, callback=agency_code_option, help="The agency's code, as in the agency reference file."
)
@click.option("--quarter", type=QuarterType(), required=True, help="The quarter the extract covers.")
@click.option("--user", default=lambda: getpass.getuser(), show_default="the login name", help="Who uploads.")
@click.option("--lang", type=click.Choice(["en", "fr"]), help="Report language; default: the agency's own.")
@click.option(
    "--wait",
    "wait_s",
    type=click.IntRange(1, 86_400),
    help="Once accepted, wait up to this many seconds for the running service to publish it (exit 1 if not).",
)
def upload(path: Path, agency: str, quarter: Quarter, user: str, lang: str | None, wait_s: int | None) -> None:
    """Upload an agency's quarterly extract: exit 0 when accepted, 2 when rejected."""
    from accueil.ingest.names import InvalidName
    from accueil.ingest.submit import submit_extract
    from accueil.refused import Refused

    try:
        submission = submit_extract(path, agency, quarter, user, lang)
    except InvalidName as exc:  # a path that is not a regular file: nothing was received
        raise Refused(str(exc)) from None
    print_submission(submission, f"{path.name} for {agency.upper()} {quarter}", lang)
    if not submission.accepted:
        sys.exit(2)
    if wait_s:
        _wait_for_publication(submission.upload.upload_id, wait_s)


def _wait_for_publication(upload_id: int, timeout_s: int) -> None:
    import time

    from accueil import publication

    started = time.monotonic()
    final = publication.wait_until_published(
        upload_id, timeout_s, lambda state: click.echo(f"  {time.monotonic() - started:6.1f} s  {state}")
    )
    if final == "published":
        click.echo(f"Published {time.monotonic() - started:.1f} s after it was accepted.")
        return
    if final == "failed":
        raise click.ClickException(f"not published: the build failed ({publication.state_of(upload_id)[1]})")
    if final == "timeout":
        raise click.ClickException(f"not published after {timeout_s} s: is the service running (`accueil status`)?")
    raise click.ClickException(f"not published: the upload is now {final}")


@click.group()
def agencies() -> None:
    """The partnership's agency reference data (agencies, sites, programs, funding)."""


@agencies.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", default=lambda: getpass.getuser(), show_default="the login name")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True)
def agencies_load(path: Path, user: str, lang: str) -> None:
    """Validate and register a new agency reference file: exit 0 when accepted, 2 when rejected."""
    from accueil.ingest.names import InvalidName
    from accueil.ingest.submit import submit_agencies
    from accueil.refused import Refused

    try:
        submission = submit_agencies(path, user, lang)
    except InvalidName as exc:  # a path that is not a regular file: nothing was received
        raise Refused(str(exc)) from None
    print_submission(submission, path.name)
    sys.exit(0 if submission.accepted else 2)
