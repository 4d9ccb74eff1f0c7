"""`accueil survey upload`: a client feedback file through the door, as `accueil upload` sends an extract."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click

from accueil.ingest.commands import agency_code_option, print_submission


@click.group()
def survey() -> None:
    """Client feedback files: an agency's or the partnership's own short client survey (no free text)."""


@survey.command("upload")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--agency",
    callback=agency_code_option,
    help="The agency whose clients answered; omit it for a partnership-wide survey naming several agencies.",
)
@click.option("--user", default=lambda: getpass.getuser(), show_default="the login name", help="Who uploads.")
@click.option("--lang", type=click.Choice(["en", "fr"]), help="Report language; default: the agency's own.")
def survey_upload(path: Path, agency: str | None, user: str, lang: str | None) -> None:
    """Upload a survey file (CSV or XLSX): exit 0 when accepted, 2 when rejected.

    The survey and period are the file's own (its survey_id and period columns); a newer file for
    the same agency, survey and period replaces the older one at the next build."""
    from accueil.ingest.names import InvalidName
    from accueil.ingest.survey import submit_survey
    from accueil.refused import Refused

    try:
        submission = submit_survey(path, agency or "", user, lang)
    except InvalidName as exc:  # a path that is not a regular file: nothing was received
        raise Refused(str(exc)) from None
    upload = submission.upload
    what = f"{path.name} ({upload.subject or '?'} {upload.quarter or '?'}{' for ' + agency if agency else ''})"
    print_submission(submission, what, lang)
    sys.exit(0 if submission.accepted else 2)
