"""`accueil dashboard`: the dashboards alone, without the daemon that publishes uploads."""

from __future__ import annotations

import click

from accueil import config


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


@click.command()
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True)
@click.option("--host", default="localhost", show_default=True, help="Address to listen on.")
def dashboard(port: int, host: str) -> None:
    """Serve only the dashboards (council, funders, agencies, client journeys, audit) behind sign-in;
    `accueil serve` also runs the daemon that publishes uploads."""
    _serve_dashboard(port, host)
