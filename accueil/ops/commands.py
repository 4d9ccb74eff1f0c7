"""`accueil backup` and `accueil restore`: the state of a home that cannot be rebuilt, in one file.

Like `accueil users`, they act on the home's files directly and are audited under the
operating-system login name.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import click

from accueil import config
from accueil.refused import Refused


def _operator() -> str:
    from accueil.auth.commands import operator

    return operator()


@contextmanager
def _byte_bar(description: str):
    """A progress bar in bytes for a terminal (none when the output is piped)."""
    from tqdm import tqdm

    with tqdm(unit="B", unit_scale=True, unit_divisor=1024, desc=description, disable=None) as bar:

        def progress(done: int, total: int | None) -> None:
            bar.total = total
            bar.update(done - bar.n)

        yield progress


def _size(count: int) -> str:
    return f"{count / 1e6:,.1f} MB"


@click.command("backup")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The backup file to write (.tar.gz), created readable by its owner only.",
)
def backup(out: Path) -> None:
    """Write everything in ACCUEIL_HOME that `accueil build` cannot rebuild to one file.

    The register, audit log and users (control.sqlite), the raw uploads, their accepted rows
    and reports, the published snapshot and the inbox.  The file holds client-level rows and
    password hashes: keep it as such.
    """
    from accueil.ops.archive import BackupError
    from accueil.ops.backup import backup as run

    try:
        with _byte_bar("backing up") as progress:
            result = run(out, _operator(), progress)
    except BackupError as exc:
        raise Refused(str(exc)) from None
    click.echo(
        f"Wrote {result.path}: {result.files} files, {_size(result.bytes)} ({_size(result.archive_bytes)} "
        f"compressed), sha256 {result.sha256}, readable by its owner only."
    )
    click.echo("It holds client-level rows and password hashes: keep it where only administrators can read it.")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the register and files already in ACCUEIL_HOME (they are lost).")
def restore(archive: Path, force: bool) -> None:
    """Restore a backup into ACCUEIL_HOME; `accueil build` then rebuilds the warehouse from it.

    Refused when the home already holds a register or uploads (unless --force), and when any
    file in the backup does not match its checksum; nothing is changed then.  Stop the service
    and the dashboards first.
    """
    from accueil.ops.archive import BackupError
    from accueil.ops.restore import restore as run

    try:
        with _byte_bar("restoring") as progress:
            result = run(archive, _operator(), force, progress)
    except BackupError as exc:
        raise Refused(str(exc)) from None
    for leftover in result.leftovers:
        click.echo(f"First, {leftover}.")
    click.echo(
        f"Restored {result.files} files ({_size(result.bytes)}) into {config.home()}, from the backup made "
        f"{result.created_at} of {result.source_home}."
    )
    click.echo(
        f"{result.uploads_to_reload} upload(s) will be loaded again by the next `accueil build`, which rebuilds "
        f"the warehouse; {result.sessions_ended} session(s) ended (users sign in again)."
    )
