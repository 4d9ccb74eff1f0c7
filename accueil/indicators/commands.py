"""`accueil indicators ...` and `accueil docs indicators`: the council's side of the indicators."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click

from accueil import config
from accueil.ingest.commands import print_submission


@click.command("indicators")
@click.option("--check", is_flag=True, help="Exit 1 if docs/indicators.md is out of date instead of writing it.")
def docs_indicators(check: bool) -> None:
    """Write docs/indicators.md from the indicator catalogue seed."""
    from accueil.generated import write_or_check
    from accueil.indicators.docs import render

    write_or_check({config.REPO_ROOT / "docs" / "indicators.md": render()}, check, "accueil docs indicators")


@click.group()
def indicators() -> None:
    """Welcoming-community indicators: outside observations, baselines and targets, history."""


@indicators.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", default=lambda: getpass.getuser(), show_default="the login name", help="Who loads the file.")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True, help="Report language.")
def indicators_load(path: Path, user: str, lang: str) -> None:
    """Validate and register a CSV or XLSX of indicator observations: exit 0 when accepted, 2 when rejected.

    Columns: indicator_code, geography_code, period (YYYY or YYYYQn), value, unit, and optionally
    denominator, margin_of_error, source_note.  A value for the same indicator, geography and
    period as an earlier file is a correction: it supersedes the earlier one, which is kept.
    """
    from accueil.indicators.submit import submit_observations
    from accueil.ingest.names import InvalidName
    from accueil.refused import Refused

    try:
        submission = submit_observations(path, user, lang)
    except InvalidName as exc:  # a path that is not a regular file: nothing was received
        raise Refused(str(exc)) from None
    print_submission(submission, path.name)
    sys.exit(0 if submission.accepted else 2)


@indicators.command("baselines")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", default=lambda: getpass.getuser(), show_default="the login name", help="Who sets them.")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True, help="Report language.")
def indicators_baselines(path: Path, user: str, lang: str) -> None:
    """Validate and register the council's baselines and targets: exit 0 when accepted, 2 when rejected.

    Columns: indicator_code, geography_code, baseline_period, and optionally target_value,
    target_date, note.  Once built, the file overrides the default baselines row by row, and
    every change of a baseline or target is written to the audit log.
    """
    from accueil.indicators.submit import submit_baselines
    from accueil.ingest.names import InvalidName
    from accueil.refused import Refused

    try:
        submission = submit_baselines(path, user, lang)
    except InvalidName as exc:  # a path that is not a regular file: nothing was received
        raise Refused(str(exc)) from None
    print_submission(submission, path.name)
    sys.exit(0 if submission.accepted else 2)


@indicators.command("list")
def indicators_list() -> None:
    """The catalogue: characteristic, code, unit, direction and how each indicator is obtained."""
    from accueil.indicators.catalogue import catalogue

    for _, row in (
        catalogue().reset_index(drop=True).sort_values(["characteristic_number", "indicator_code"]).iterrows()
    ):
        click.echo(
            f"{row['characteristic_number']:>2}  {row['indicator_code']:<44} {row['unit']:<14} "
            f"{row['direction']:<17} {row['computed_by']}"
        )


@indicators.command("history")
@click.argument("code")
@click.option("--geography", help="Only this geography.")
def indicators_history(code: str, geography: str | None) -> None:
    """Every version of an indicator's observations in the published snapshot, corrections included."""
    from accueil.access.snapshot import NotPublished, connect

    sql = "select * from marts.fct_indicator_observation_history where indicator_code = ?"
    args = [code.strip().lower()]
    if geography:
        sql, args = sql + " and geography_code = ?", [*args, geography.strip().upper()]
    try:
        with connect() as con:
            frame = con.execute(sql + " order by geography_code, period, version", args).df()
    except NotPublished as exc:
        raise click.ClickException(str(exc)) from None
    if frame.empty:
        click.echo(f"No observation of {code} is published.")
        return
    click.echo(frame.to_string(index=False))


def demo_load_observations(target: Path) -> None:
    """The demo loads the sample region's illustrative observations through the same door."""
    from accueil.generate.indicators import FILE_NAME
    from accueil.indicators.submit import submit_observations

    submission = submit_observations(target / FILE_NAME, user="demo")
    click.echo(
        f"Indicator observations ({FILE_NAME}: ILLUSTRATIVE values, not real statistics): "
        f"{submission.upload.status} (upload {submission.upload.upload_id})."
    )


def demo_summary() -> None:
    """The computed indicators' latest quarter against their baseline, and every indicator's status."""
    from accueil.access.snapshot import connect
    from accueil.indicators.display import status_counts, status_sentence

    with connect() as con:
        rows = con.execute(
            "select indicator_code, period, value, margin_of_error, unit, baseline_period, status "
            "from marts.fct_indicator_progress where is_latest and computed_by = 'warehouse' order by indicator_code"
        ).fetchall()
        statuses = con.execute(
            "select geography_code, any_value(geography_name_en), list(status) from marts.fct_indicator_progress"
            " where is_latest group by 1 order by 1"
        ).fetchall()
    click.echo("Welcoming-community indicators computed by the warehouse, latest quarter against the baseline:")
    for code, period, value, margin, unit, baseline, status in rows:
        shown = "suppressed" if value is None else f"{value:,.2f} ± {margin or 0:,.2f} {unit}"
        click.echo(f"  {code:<40} {period:<7} {shown:<26} baseline {baseline or '-':<7} {status}")
    # Per geography, as the council page counts them: one geography's indicators at a time.
    for code, name, found in statuses:
        click.echo(f"Latest status of every indicator, {name} ({code}): {status_sentence(status_counts(found))}.")
