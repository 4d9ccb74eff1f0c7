"""`accueil build`: load, build and publish by hand, with a progress bar (registered in accueil/cli.py).

`accueil demo` builds through `build_with_progress` too.
"""

from __future__ import annotations

import click


def build_with_progress(publish: bool = True, transform: bool = True, wait: bool = False, full_refresh: bool = False):
    """`run_build` with a line saying what it does and a bar for the extracts it loads."""
    from tqdm import tqdm

    from orchestration.build import run_build
    from orchestration.build_log import dbt_log_path

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

        return run_build(
            progress, publish=publish, transform=transform, wait=wait, on_wait=waiting, full_refresh=full_refresh
        )


@click.command()
@click.option("--no-publish", is_flag=True, help="Build the warehouse but keep the previous published snapshot.")
@click.option(
    "--load-only",
    is_flag=True,
    help="Load the waiting uploads into the raw tables only; the models and the snapshot wait for the next build.",
)
@click.option(
    "--wait", is_flag=True, help="If the service (or another build) is building, wait for it instead of stopping."
)
@click.option(
    "--full-refresh",
    is_flag=True,
    help="Rebuild every model from the raw tables and test every row, instead of building only what changed.",
)
def build(no_publish: bool, load_only: bool, wait: bool, full_refresh: bool) -> None:
    """Load every accepted upload not loaded yet, build the dbt models, publish the snapshot.

    The models are built incrementally: only the extracts loaded since the last build are
    added, and the marts recomputed from them.  A build after the dbt project changed, or with
    --full-refresh, rebuilds everything."""
    from orchestration.build import BuildLocked

    if full_refresh and load_only:
        raise click.UsageError("--full-refresh rebuilds the models, which --load-only leaves as they are.")
    try:
        summary = build_with_progress(
            publish=not no_publish, transform=not load_only, wait=wait, full_refresh=full_refresh
        )
    except BuildLocked as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Loaded {len(summary.loaded)} extract(s)"
        + (f" and agency reference upload {summary.reference_loaded}" if summary.reference_loaded else "")
        + ("; the dbt models were not rebuilt (--load-only)." if load_only else "; the dbt models are built.")
    )
    if summary.published:
        click.echo(f"Published: {summary.published}")
