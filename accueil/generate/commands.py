"""`accueil generate`: the command that writes a generated region (registered in accueil/cli.py)."""

from __future__ import annotations

from pathlib import Path

import click

from accueil.click_types import QuarterType
from accueil.quarters import Quarter


@click.command()
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
