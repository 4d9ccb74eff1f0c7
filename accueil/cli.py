"""The `accueil` command line.  Every command has --help; user mistakes get one sentence, no traceback."""

from __future__ import annotations

import getpass
import json
import shutil
import sys
from pathlib import Path

import click

from accueil import config
from accueil.access.commands import audit_group
from accueil.anonymise.commands import anonymise, keygen
from accueil.auth.commands import users_group
from accueil.indicators.commands import demo_load_observations, demo_summary, docs_indicators, indicators
from accueil.ingest.commands import agency_code_option, uploads_group
from accueil.ops.commands import backup, restore
from accueil.quarters import Quarter
from accueil.service.commands import serve
from accueil.service.commands import status as status_command


class QuarterType(click.ParamType):
    name = "YYYYQn"

    def convert(self, value, param, ctx):
        if isinstance(value, Quarter):
            return value
        try:
            return Quarter.parse(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


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


@cli.command()
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write the extracts, agencies.xlsx and truth.json into.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same bytes.")
@click.option("--agencies", type=click.IntRange(1, 2000), default=12, show_default=True)
@click.option("--quarters", type=click.IntRange(1, 40), default=8, show_default=True)
@click.option(
    "--clients",
    type=click.IntRange(10, 20_000_000),
    default=20_000,
    show_default=True,
    help="Clients first served during the whole period.",
)
@click.option("--start", type=QuarterType(), default="2024Q1", show_default=True, help="First quarter.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "zip"]),
    default="xlsx",
    show_default=True,
    help="Workbooks, or zips of one CSV per sheet (faster at national scale).",
)
@click.option(
    "--identified",
    is_flag=True,
    help="Also write identified/: the same extracts as iCARE workbooks with fictitious identifiers, "
    "and the region's partnership key.",
)
def generate(
    out: Path, seed: int, agencies: int, quarters: int, clients: int, start: Quarter, fmt: str, identified: bool
) -> None:
    """Generate a realistic region: one anonymised extract per agency and quarter."""
    from tqdm import tqdm

    from accueil.generate import GenerateOptions
    from accueil.generate import generate as run

    if out.exists() and not out.is_dir():
        raise click.ClickException(f"{out} exists and is not a folder.")
    options = GenerateOptions(
        out=out,
        seed=seed,
        agencies=agencies,
        quarters=quarters,
        clients=clients,
        start=start,
        format=fmt,
        identified=identified,
    )
    with tqdm(total=agencies * quarters, unit="file", desc="writing extracts", disable=None) as bar:

        def progress(done: int, total: int) -> None:
            bar.update(done - bar.n)

        truth = run(options, progress)
    rows = sum(truth["rows"].values())
    click.echo(
        f"wrote {len(truth['files'])} extracts ({rows:,} service records), agencies.xlsx and truth.json to {out}"
    )
    if identified:
        click.echo(f"wrote the same extracts with fictitious identifiers, and partnership.key, to {out / 'identified'}")


@cli.group()
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


@cli.command()
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
    ):
        shutil.rmtree(target, ignore_errors=True)
        click.echo(
            f"Generating the sample region ({options.agencies} agencies, {options.quarters} quarters, "
            f"about {options.clients:,} clients) into {target} ..."
        )
        run(options)
    truth = json.loads(truth_file.read_text())
    click.echo(
        f"Sample region: {len(truth['files'])} extracts for quarters {truth['quarters'][0]} to "
        f"{truth['quarters'][-1]}, plus agencies.xlsx and truth.json."
    )
    for sheet, count in sorted(truth["rows"].items()):
        click.echo(f"  {sheet:<28} {count:>8,} records")
    planted = truth["planted"]
    gain = planted["language_gain_any"]["by_immigration_group"]["all"]
    click.echo(
        f"Planted language-gain rate: {gain['expected_rate']:.1%} of {gain['n']:,} clients "
        "(IRCC's national result is 37%)."
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
    from accueil.auth import users
    from accueil.auth.commands import operator

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
    from tqdm import tqdm

    from accueil.ingest.batch import submit_folder
    from accueil.ingest.submit import submit_agencies
    from accueil.publish import read_only

    click.echo("")
    reference = submit_agencies(target / "agencies.xlsx", user="demo")
    click.echo(f"Agency reference data: {reference.upload.status} (upload {reference.upload.upload_id}).")
    with tqdm(total=len(truth["files"]), unit="file", desc="uploading extracts") as bar:
        results = submit_folder(target, user="demo", progress=lambda done, total: bar.update(done - bar.n))
    decisions: dict[str, int] = {}
    for _name, status, duplicate in results:
        key = "already received" if duplicate else status
        decisions[key] = decisions.get(key, 0) + 1
    click.echo("Uploads: " + ", ".join(f"{n} {status}" for status, n in sorted(decisions.items())) + ".")
    demo_load_observations(target)
    summary = _build_with_progress()
    click.echo(f"Built and published {summary.published}.")
    with read_only() as con:
        for table, label in (("client_profile", "distinct clients"), ("info_orientation", "orientation services")):
            count = con.execute(
                f"select count(distinct {'client_key' if table == 'client_profile' else 'record_id'}) from raw.{table}"
            ).fetchone()[0]
            click.echo(f"  {label:<22} {count:>8,}")
        rows = con.execute(
            "select outcome, numerator, denominator, rate, ci_low, ci_high, unit from marts.fct_outcome_rates "
            "where period = 'all' and agency_code = 'ALL' and breakdown = 'all' and not suppressed order by outcome"
        ).fetchall()
    click.echo("Outcomes, all agencies and quarters (95% interval):")
    for outcome, numerator, denominator, rate, low, high, unit in rows:
        if unit == "days":
            click.echo(f"  {outcome:<32} median {rate:>5.0f} days ({low:.0f}-{high:.0f}), {denominator:,} clients")
        else:
            click.echo(f"  {outcome:<32} {rate:>6.1%} ({low:.1%}-{high:.1%}), {numerator:,} of {denominator:,}")
    demo_summary()
    click.echo(
        f"Reports are in {config.reports_dir()}; `accueil uploads` lists the register; "
        "`accueil sql` queries the snapshot."
    )


def _serve_dashboard(port: int, host: str) -> None:
    """The dashboards alone in the foreground until Ctrl-C; they read only the published snapshot."""
    import os
    import subprocess

    from accueil.service.commands import sign_in_hint
    from accueil.service.supervisor import dashboard_command

    sign_in_hint()
    click.echo(f"Dashboards: http://{host}:{port}/  (Ctrl-C to stop)")
    # The child must see the same home even when ACCUEIL_HOME was left to its default.
    env = {**os.environ, "ACCUEIL_HOME": str(config.home())}
    try:
        code = subprocess.call(dashboard_command(port, host), env=env)
    except KeyboardInterrupt:
        code = 0
    if code:
        raise click.ClickException(f"streamlit stopped with exit code {code}")


@cli.command()
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True)
@click.option("--host", default="localhost", show_default=True, help="Address to listen on.")
def dashboard(port: int, host: str) -> None:
    """Serve only the dashboards (council, funders, agencies, client journeys, audit) behind sign-in;
    `accueil serve` also runs the daemon that publishes uploads."""
    _serve_dashboard(port, host)


def _print_submission(submission, what: str) -> None:
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
            for problem in submission.outcome.report.listed()[:8]:
                if problem.severity != "error":
                    continue
                where = ", ".join(
                    x for x in (problem.sheet, f"row {problem.row}" if problem.row else "", problem.column) if x
                )
                click.echo(f"  - {where}: {problem.text('en')[0]}" if where else f"  - {problem.text('en')[0]}")
    click.echo(f"Report: {upload.report_html}")
    click.echo(f"        {upload.report_csv}")


@cli.command()
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
    from accueil.ingest.submit import submit_extract

    submission = submit_extract(path, agency, quarter, user, lang)
    _print_submission(submission, f"{path.name} for {agency.upper()} {quarter}")
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


@cli.group()
def agencies() -> None:
    """The partnership's agency reference data (agencies, sites, programs, funding)."""


@agencies.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", default=lambda: getpass.getuser(), show_default="the login name")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True)
def agencies_load(path: Path, user: str, lang: str) -> None:
    """Validate and register a new agency reference file: exit 0 when accepted, 2 when rejected."""
    from accueil.ingest.submit import submit_agencies

    submission = submit_agencies(path, user, lang)
    _print_submission(submission, path.name)
    sys.exit(0 if submission.accepted else 2)


def _build_with_progress(publish: bool = True, transform: bool = True, wait: bool = False):
    """`run_build` with a line saying what it does and a bar for the extracts it loads."""
    from tqdm import tqdm

    from orchestration.build import dbt_log_path, run_build

    click.echo(
        f"Loading, then building the dbt models (dbt's output: {dbt_log_path()})."
        if transform
        else "Loading the waiting uploads (--load-only: no dbt build)."
    )
    with tqdm(unit="extract", desc="loading extracts", disable=None) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        def waiting() -> None:
            click.echo("Another build is running for this home (the service, or another `accueil build`): waiting ...")

        return run_build(progress, publish=publish, transform=transform, wait=wait, on_wait=waiting)


@cli.command()
@click.option("--no-publish", is_flag=True, help="Build the warehouse but keep the previous published snapshot.")
@click.option(
    "--load-only",
    is_flag=True,
    help="Load the waiting uploads into the raw tables only; the models and the snapshot wait for the next build.",
)
@click.option(
    "--wait", is_flag=True, help="If the service (or another build) is building, wait for it instead of stopping."
)
def build(no_publish: bool, load_only: bool, wait: bool) -> None:
    """Load every accepted upload not loaded yet, build the dbt models, publish the snapshot."""
    from orchestration.build import BuildLocked

    try:
        summary = _build_with_progress(publish=not no_publish, transform=not load_only, wait=wait)
    except BuildLocked as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Loaded {len(summary.loaded)} extract(s)"
        + (f" and agency reference upload {summary.reference_loaded}" if summary.reference_loaded else "")
        + ("; the dbt models were not rebuilt (--load-only)." if load_only else "; the dbt models are built.")
    )
    if summary.published:
        click.echo(f"Published: {summary.published}")


@cli.command()
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
        viewer = Viewer(name=f"os:{getpass.getuser()}", role="admin")
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


@cli.command()
@click.option("--scale", type=click.Choice(["region", "national"]), default="region", show_default=True)
@click.option("--years", type=click.IntRange(1, 10), default=1, show_default=True, help="Years of history.")
@click.option(
    "--out",
    "work",
    type=click.Path(file_okay=False, path_type=Path),
    help="Working folder: generated data (reused when the sizes match), the bench's own ACCUEIL_HOME, "
    "the baseline's files.  Default: bench/work/<scale>.",
)
@click.option("--results", type=click.Path(dir_okay=False, path_type=Path), help="Default: bench/results.json.")
@click.option(
    "--docs", "docs_page", type=click.Path(dir_okay=False, path_type=Path), help="Default: docs/benchmarks.md."
)
@click.option("--agencies", type=click.IntRange(1, 2000), help="Override the scale's number of agencies.")
@click.option("--quarters", type=click.IntRange(2, 40), help="Override the number of quarters (default 4 a year).")
@click.option("--clients", type=click.IntRange(10, 20_000_000), help="Override the number of clients.")
def bench(
    scale: str,
    years: int,
    work: Path | None,
    results: Path | None,
    docs_page: Path | None,
    agencies: int | None,
    quarters: int | None,
    clients: int | None,
) -> None:
    """Generate a region, run the real pipeline on it, time it against a bare DuckDB baseline."""
    from accueil.bench.run import run_bench
    from accueil.bench.scales import BenchOptions

    options = BenchOptions.for_scale(
        scale,
        years,
        work=work or config.REPO_ROOT / "bench" / "work" / scale,
        results=results or config.REPO_ROOT / "bench" / "results.json",
        docs=docs_page or config.REPO_ROOT / "docs" / "benchmarks.md",
        agencies=agencies,
        quarters=quarters,
        clients=clients,
        command="accueil " + " ".join(sys.argv[1:]),
    )
    result = run_bench(options, log=click.echo)
    click.echo(
        f"full build {result['full_build_s']:.1f} s, peak {result['peak_rss_gb']:.2f} GB; one more quarter "
        f"{result['incremental_quarter_s']:.1f} s; dashboard p95 {result['dashboard']['p95_ms']:.0f} ms; "
        f"baseline {result['baseline_s']:.1f} s (pipeline/baseline {result['ratio_pipeline_to_baseline']:.1f}x); "
        f"headline figures {'agree' if result['agreement']['agree'] else 'DISAGREE'}."
    )
    click.echo(f"Wrote {options.results} and {options.docs}.")
    if not result["agreement"]["agree"]:
        raise click.ClickException("the baseline's headline figures differ from the pipeline's: see results.json")


cli.add_command(anonymise)
cli.add_command(keygen)
cli.add_command(indicators)
cli.add_command(users_group)
cli.add_command(audit_group)
cli.add_command(backup)
cli.add_command(restore)
cli.add_command(serve)
cli.add_command(status_command)
cli.add_command(uploads_group)
docs.add_command(docs_indicators)


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


if __name__ == "__main__":
    main()
