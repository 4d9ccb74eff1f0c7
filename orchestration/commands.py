"""`accueil build`: load, build and publish by hand, with a progress bar (registered in accueil/cli.py).

`accueil demo` builds through `build_with_progress` too.
"""

from __future__ import annotations

import click


def build_with_progress(publish: bool = True, transform: bool = True, wait: bool = False, full_refresh: bool = False):
    """`run_build` with a line saying what it does, a bar for the extracts it loads, and one for
    dbt's models and tests as dbt finishes them (the count the build records as it goes: dbt's
    own output goes to the log file, not the terminal)."""
    import threading

    from tqdm import tqdm

    from orchestration.build import run_build
    from orchestration.build_log import dbt_log_path

    click.echo(
        f"Loading, then building the dbt models (dbt's output: {dbt_log_path()})."
        if transform
        else "Loading the waiting uploads (--load-only: no dbt build)."
    )
    # Both bars are made here, before the build sends standard error to its log file.
    with (
        tqdm(unit="extract", desc="loading extracts", disable=None) as bar,
        tqdm(unit="node", desc="dbt models and tests", disable=None if transform else True) as dbt_bar,
    ):

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        def waiting() -> None:
            click.echo("Another build is running for this home (the service, or another `accueil build`): waiting ...")

        finished = threading.Event()
        watcher = threading.Thread(target=_watch_progress, args=(dbt_bar, finished), name="dbt-progress", daemon=True)
        watcher.start()
        try:
            return run_build(
                progress, publish=publish, transform=transform, wait=wait, on_wait=waiting, full_refresh=full_refresh
            )
        finally:
            finished.set()
            watcher.join(timeout=5)


def _watch_progress(bar, finished) -> None:
    """Update `bar` every half second from the count this build records (accueil/build_progress.py)
    until `finished`; a count left by an earlier build is not this one's."""
    from accueil import build_progress
    from orchestration.build import current_build_id

    build = None
    while not finished.wait(0.5):
        build = current_build_id() or build
        _show(build_progress.of_build(build) if build is not None else None, bar)
    if build is not None:  # the count dbt's last nodes left, after the last look
        _show(build_progress.of_build(build), bar)


def _show(found, bar) -> None:
    if found:
        bar.total = found.total
        bar.update(found.done - bar.n)


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
