"""The `accueil` command line: the root group, and every package's commands registered on it.

Each command lives in the package whose work it does (accueil/<package>/commands.py,
accueil/demo.py, orchestration/commands.py for `accueil build`).  This module gathers them,
and holds the two that join several packages: `accueil docs` (pages generated from the
contract and from the indicator catalogue) and `accueil sql` (a sign-in, then a query).
Every command has --help; user mistakes get one sentence, no traceback.
"""

from __future__ import annotations

import sys

import click

from accueil import config
from accueil.access.commands import audit_group
from accueil.access.directory import directory_command
from accueil.anonymise.commands import anonymise, keygen
from accueil.auth.commands import users_group
from accueil.bench.commands import bench
from accueil.demo import demo
from accueil.generate.commands import generate
from accueil.indicators.commands import docs_indicators, indicators
from accueil.ingest.commands import agencies, upload, uploads_group
from accueil.ingest.followup_commands import followups
from accueil.ingest.submission_commands import submissions
from accueil.ingest.survey_commands import survey
from accueil.ops.commands import backup, restore
from accueil.outcomes.commands import docs_outcomes
from accueil.quarterly.commands import report
from accueil.service.commands import serve
from accueil.service.commands import status as status_command
from accueil.service.dashboard_command import dashboard
from orchestration.commands import build


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="accueil")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Accueil: settlement outcomes and welcoming-community indicators.

    State lives under ACCUEIL_HOME (default ./data).
    """
    from accueil import filemodes

    # `status` reports what is too open; it must not fix it first and hide it.
    if ctx.invoked_subcommand != "status":
        try:
            filemodes.tighten()
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None


@click.group()
def docs() -> None:
    """Regenerate the documentation pages that are built from code."""


@docs.command("contract")
@click.option("--check", is_flag=True, help="Exit 1 if a generated file is out of date instead of writing it.")
def docs_contract(check: bool) -> None:
    """Write docs/extract-contract.md and the dbt sources from the contract definition."""
    from accueil.docs_contract import render, render_sources
    from accueil.generated import write_or_check

    outputs = {
        config.REPO_ROOT / "docs" / "extract-contract.md": render(),
        config.REPO_ROOT / "warehouse" / "models" / "staging" / "__sources.yml": render_sources(),
    }
    write_or_check(outputs, check, "accueil docs contract")


# Here rather than in accueil.access: it signs in through accueil.auth, which itself stands on accueil.access.
@click.command()
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(["csv", "table"]), default="csv", show_default=True)
@click.option(
    "--user",
    "user_name",
    help="Act as this user, with their role's rights (password from ACCUEIL_PASSWORD or a prompt). "
    "Without it the query runs as the local operator, with admin rights.",
)
def sql(query: str, fmt: str, user_name: str | None) -> None:
    """Run one read-only query against the published snapshot and print the result (audited as an export)."""
    import os

    from accueil.access import AccessDenied, NotPublished, Viewer
    from accueil.access.adhoc import QueryFailed, QueryStopped, run_sql
    from accueil.access.policy import operator
    from accueil.auth import SignInFailed, viewer_for
    from accueil.csv_safe import frame_to_csv, safe_frame

    if user_name:
        password = os.environ.get("ACCUEIL_PASSWORD") or click.prompt("Password", hide_input=True, err=True)
        try:
            viewer = viewer_for(user_name, password)
        except SignInFailed as exc:
            raise click.ClickException(str(exc)) from None
    else:
        # Whoever can run this without --user can already read the warehouse files.
        viewer = Viewer(name=operator(), role="admin")
    try:
        frame = run_sql(viewer, query)
    except AccessDenied as exc:
        raise click.ClickException(f"refused: {exc}") from None
    except QueryStopped as exc:
        raise click.ClickException(str(exc)) from None
    except QueryFailed as exc:
        raise click.ClickException(f"the query failed: {exc}") from None
    except NotPublished:
        raise click.ClickException("nothing is published yet: run `accueil build` first") from None
    if fmt == "csv":
        click.echo(frame_to_csv(frame), nl=False)
    else:
        # The table is copied into spreadsheets too.
        click.echo(safe_frame(frame).to_string(index=False, max_rows=200))


for command in (
    agencies,
    anonymise,
    audit_group,
    backup,
    bench,
    build,
    dashboard,
    demo,
    directory_command,
    docs,
    followups,
    generate,
    indicators,
    keygen,
    report,
    restore,
    serve,
    sql,
    status_command,
    submissions,
    survey,
    upload,
    uploads_group,
    users_group,
):
    cli.add_command(command)
docs.add_command(docs_indicators)
docs.add_command(docs_outcomes)


def main() -> None:
    from accueil import filemodes

    # Here, not in cli(): a test's CliRunner must not change the test process's umask.
    filemodes.make_private()
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (OSError, ValueError) as exc:
        # A file that cannot be read or written, a value that makes no sense: say it plainly.
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except Exception as exc:
        from accueil.ops import disk

        # SQLite's and DuckDB's way of saying the disk is full (not an OSError) is one sentence too.
        if not disk.is_full_error(exc):
            raise
        click.echo(f"Error: {disk.full_sentence('the command stopped')}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
