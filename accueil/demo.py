"""`accueil demo`: the sample region through the same door as `accueil upload`, built, then served.

What `make demo` runs (registered in accueil/cli.py).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import click

from accueil import config, outcomes
from accueil.indicators.commands import demo_load_observations, demo_summary


@click.command()
@click.option("--fresh", is_flag=True, help="Regenerate the sample region even if it is already there.")
@click.option("--no-serve", is_flag=True, help="Stop after the build instead of running the service.")
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True, help="Dashboard port.")
def demo(fresh: bool, no_serve: bool, port: int) -> None:
    """Build the bundled sample region, then run the service on it (`accueil serve`): the dashboards,
    and the daemon that publishes what agencies upload."""
    from accueil.generate import GenerateOptions
    from accueil.generate import generate as run
    from accueil.generate.indicators import FILE_NAME as ILLUSTRATIVE_OBSERVATIONS

    target = config.sample_dir()
    options = GenerateOptions(out=target)
    truth_file = target / "truth.json"
    if (
        fresh
        or not truth_file.exists()
        or json.loads(truth_file.read_text())["seed"] != options.seed
        or not (target / ILLUSTRATIVE_OBSERVATIONS).exists()  # a sample generated before the indicators
        or "surveys" not in json.loads(truth_file.read_text())  # a sample generated before the survey files
    ):
        shutil.rmtree(target, ignore_errors=True)
        click.echo(
            f"Generating the sample region ({options.agencies} agencies, {options.quarters} quarters, "
            f"about {options.clients:,} clients) into {target} ..."
        )
        from tqdm import tqdm

        with tqdm(unit="file", desc="writing extracts", disable=None) as bar:

            def written(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            run(options, written)
    truth = json.loads(truth_file.read_text())
    click.echo(
        f"Sample region: {len(truth['files'])} extracts for quarters {truth['quarters'][0]} to "
        f"{truth['quarters'][-1]}, plus agencies.xlsx and truth.json."
    )
    for sheet, count in sorted(truth["rows"].items()):
        click.echo(f"  {sheet:<28} {count:>8,} records")
    planted = truth["planted"]
    gain = planted["language_gain_any"]["by_immigration_group"]["all"]
    benchmark = outcomes.get("language_gain_any")  # IRCC's national figure, from seeds/outcome_catalogue.csv
    click.echo(
        f"Planted language-gain rate: {gain['expected_rate']:.1%} of {gain['n']:,} clients "
        f"({benchmark.benchmark_source_en} is {benchmark.benchmark_value:.0%})."
    )
    _demo_upload_and_build(target, truth)
    click.echo("")
    _demo_admin()
    if not no_serve:
        from accueil.service.supervisor import ServiceRunning, run

        try:
            code = run(port, "localhost", None, click.echo)
        except ServiceRunning as exc:
            raise click.ClickException(str(exc)) from None
        sys.exit(code)


def _demo_admin() -> None:
    """A fresh demo has no users: make one admin, and show its password this once.

    The password is random, printed and never stored in clear (only its argon2 hash), so
    a demo never ships with a known password.  ACCUEIL_DEMO_ADMIN_PASSWORD sets it
    instead, for scripted demos; nothing is made when an admin already exists.
    """
    import os
    import secrets

    from accueil import control
    from accueil.access.policy import operator
    from accueil.auth import users

    with control.connect() as con:
        admins = [u.name for u in users.all_users(con) if u.role == "admin"]
        if admins:
            click.echo(f"Sign in to the dashboards as an admin ({', '.join(admins)}); `accueil users` manages users.")
            return
        given = os.environ.get("ACCUEIL_DEMO_ADMIN_PASSWORD")
        password = given or secrets.token_urlsafe(15)
        try:
            users.add(con, operator(), "admin", "admin", None, password)
        except users.UserError as exc:  # a non-admin user already holds the name
            click.echo(f"No demo admin made ({exc}): add one with `accueil users add NAME --role admin`.")
            return
        except ValueError as exc:
            raise click.ClickException(f"ACCUEIL_DEMO_ADMIN_PASSWORD: {exc}") from None
    if given:
        click.echo("Made the dashboards' admin user `admin`, with the password in ACCUEIL_DEMO_ADMIN_PASSWORD.")
    else:
        click.echo(
            f"Made the dashboards' admin user `admin` with the password {password}\n"
            "  (shown this once, stored only as an argon2 hash; `accueil users` adds agency, funder and "
            "council users)."
        )


def _demo_upload_and_build(target: Path, truth: dict) -> None:
    """Every sample extract through the same door as `accueil upload`, then `accueil build`."""
    import duckdb

    from accueil.access.snapshot import connect
    from accueil.ingest.batch import submit_folder_with_bar
    from accueil.ingest.submit import submit_agencies
    from orchestration.commands import build_with_progress

    click.echo("")
    reference = submit_agencies(target / "agencies.xlsx", user="demo")
    click.echo(f"Agency reference data: {reference.upload.status} (upload {reference.upload.upload_id}).")
    results = submit_folder_with_bar(target, user="demo")
    decisions: dict[str, int] = {}
    for _name, status, duplicate in results:
        key = "already received" if duplicate else status
        decisions[key] = decisions.get(key, 0) + 1
    click.echo("Uploads: " + ", ".join(f"{n} {status}" for status, n in sorted(decisions.items())) + ".")
    _demo_surveys(target)
    demo_load_observations(target)
    summary = build_with_progress()
    click.echo(f"Built and published {summary.published}.")
    # Client-level rows stay in the working warehouse (the snapshot holds marts): the demo has just
    # built it, and nothing writes it now.
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as con:
        for table, label in (("client_profile", "distinct clients"), ("info_orientation", "orientation services")):
            count = con.execute(
                f"select count(distinct {'client_key' if table == 'client_profile' else 'record_id'}) from raw.{table}"
            ).fetchone()[0]
            click.echo(f"  {label:<22} {count:>8,}")
    with connect() as con:
        for line in outcome_lines(con):
            click.echo(line)
    demo_summary()
    click.echo(
        f"Reports are in {config.reports_dir()}; `accueil uploads` lists the register; "
        "`accueil sql` queries the snapshot."
    )


def _demo_surveys(target: Path) -> None:
    """The sample's client feedback files, through their door (`accueil survey upload`)."""
    from accueil.generate.survey import FOLDER
    from accueil.ingest.survey import submit_survey_folder

    if not (target / FOLDER).is_dir():
        return
    results = submit_survey_folder(target / FOLDER, user="demo")
    decisions: dict[str, int] = {}
    for submission in results:
        key = "already received" if submission.duplicate else submission.upload.status
        decisions[key] = decisions.get(key, 0) + 1
    click.echo("Client feedback files: " + ", ".join(f"{n} {s}" for s, n in sorted(decisions.items())) + ".")


def outcome_lines(con) -> list[str]:
    """The region's outcomes over every quarter, one line each, as the demo prints them."""
    rows = con.execute(
        "select outcome, numerator, denominator, rate, ci_low, ci_high, unit from marts.fct_outcome_rates "
        "where period = 'all' and agency_code = 'ALL' and breakdown = 'all' and not suppressed order by outcome"
    ).fetchall()
    lines = ["Outcomes, all agencies and quarters (95% interval):"]
    for outcome, numerator, denominator, rate, low, high, unit in rows:
        if unit == "days":
            lines.append(f"  {outcome:<42} median {rate:>5.0f} days ({low:.0f}-{high:.0f}), {denominator:,} clients")
        elif numerator is None:  # a weighted rate (the non-response-adjusted one) counts no clients
            lines.append(f"  {outcome:<42} {rate:>6.1%} ({low:.1%}-{high:.1%}), weighted, {denominator:,} reached")
        else:
            lines.append(f"  {outcome:<42} {rate:>6.1%} ({low:.1%}-{high:.1%}), {numerator:,} of {denominator:,}")
    return lines
