"""`accueil serve` and `accueil status`."""

from __future__ import annotations

import json
import sys

import click

from accueil import config


@click.command()
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True, help="Dashboards' port.")
@click.option(
    "--host", default="localhost", show_default=True, help="Address to listen on (behind a proxy: 127.0.0.1)."
)
@click.option("--with-dagster-ui", is_flag=True, help="Also serve the Dagster UI (on --dagster-port).")
@click.option("--dagster-port", type=click.IntRange(1, 65535), default=3000, show_default=True)
def serve(port: int, host: str, with_dagster_ui: bool, dagster_port: int) -> None:
    """Run Accueil as a service: the dashboards, and the Dagster daemon that loads, builds and
    publishes every accepted upload on its own.  Ctrl-C or SIGTERM stops it all."""
    from accueil.service.supervisor import ServiceRunning, run
    from orchestration.build import BuildLocked

    sign_in_hint()
    try:
        code = run(port, host, dagster_port if with_dagster_ui else None, click.echo)
    except (ServiceRunning, BuildLocked) as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(code)


def sign_in_hint() -> None:
    from accueil import control
    from accueil.auth import users

    with control.connect() as con:
        if not users.all_users(con):
            click.echo(
                "No users yet: add one with `accueil users add NAME --role admin` (password from standard "
                "input) to sign in, or configure OpenID Connect sign-in (see docs/deploy.md)."
            )


def _size(value: int) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return str(value)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="The report as JSON (what /api/health returns).")
def status(as_json: bool) -> None:
    """The service's health: last publish, uploads waiting, failed builds, disk, the daemon's heartbeat.
    Exit 0 when healthy, 1 when not."""
    from accueil.service.health import check

    report = check()
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
        sys.exit(0 if report.healthy else 1)
    beat = report.daemon_heartbeat_age_s
    last = report.last_build
    lines = [
        f"Home:              {config.home()}",
        f"Service:           {'running' if report.service_running else 'not running'}"
        + (f" (daemon heartbeat {beat:.0f} s ago)" if beat is not None else ""),
        f"Last publish:      {report.published_at or 'never'}",
        f"Build:             {'running now' if report.build_running else 'none running'}"
        + (f" (dbt: {p['done']} of {p['total']} models and tests done)" if (p := report.build_progress) else ""),
        "Last build:        "
        + (
            f"{last['status']} ({last['origin']}, started {last['started_at']})"
            + (f": {last['error']}" if last["error"] else "")
            if last
            else "none yet"
        ),
        f"Failed builds:     {report.builds_failed_recently} since the last one that succeeded",
        f"Uploads waiting:   {report.uploads_waiting}"
        + (f" (oldest accepted {report.oldest_waiting_since})" if report.oldest_waiting_since else ""),
        f"Disk:              {_size(report.disk_used_bytes)} used by the home, {_size(report.disk_free_bytes)} free",
    ]
    for line in lines:
        click.echo(line)
    if report.healthy:
        click.echo("Healthy.")
    else:
        click.echo("Unhealthy:")
        for problem in report.problems:
            click.echo(f"  - {problem}")
    sys.exit(0 if report.healthy else 1)
