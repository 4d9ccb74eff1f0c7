"""The `accueil` command line.  Every command has --help; user mistakes get one sentence, no traceback."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import click

from accueil import config
from accueil.quarters import Quarter


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
def cli() -> None:
    """Accueil: settlement outcomes and welcoming-community indicators.

    State lives under ACCUEIL_HOME (default ./data).
    """


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
def generate(out: Path, seed: int, agencies: int, quarters: int, clients: int, start: Quarter, fmt: str) -> None:
    """Generate a realistic region: one anonymised extract per agency and quarter."""
    from tqdm import tqdm

    from accueil.generate import GenerateOptions
    from accueil.generate import generate as run

    if out.exists() and not out.is_dir():
        raise click.ClickException(f"{out} exists and is not a folder.")
    options = GenerateOptions(
        out=out, seed=seed, agencies=agencies, quarters=quarters, clients=clients, start=start, format=fmt
    )
    with tqdm(total=agencies * quarters, unit="file", desc="writing extracts", disable=None) as bar:

        def progress(done: int, total: int) -> None:
            bar.update(done - bar.n)

        truth = run(options, progress)
    rows = sum(truth["rows"].values())
    click.echo(
        f"wrote {len(truth['files'])} extracts ({rows:,} service records), agencies.xlsx and truth.json to {out}"
    )


@cli.group()
def docs() -> None:
    """Regenerate the documentation pages that are built from code."""


@docs.command("contract")
@click.option("--check", is_flag=True, help="Exit 1 if docs/extract-contract.md is out of date instead of writing it.")
def docs_contract(check: bool) -> None:
    """Write docs/extract-contract.md from the contract definition."""
    from accueil.docs_contract import render

    path = config.REPO_ROOT / "docs" / "extract-contract.md"
    text = render()
    if check:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            raise click.ClickException(f"{path} is out of date: run `accueil docs contract`.")
        click.echo(f"{path} is up to date.")
        return
    path.write_text(text, encoding="utf-8")
    click.echo(f"wrote {path}")


@cli.command()
@click.option("--fresh", is_flag=True, help="Regenerate the sample region even if it is already there.")
def demo(fresh: bool) -> None:
    """Run everything that is built so far on the bundled sample region."""
    from accueil.generate import GenerateOptions
    from accueil.generate import generate as run

    target = config.sample_dir()
    options = GenerateOptions(out=target)
    truth_file = target / "truth.json"
    if fresh or not truth_file.exists() or json.loads(truth_file.read_text())["seed"] != options.seed:
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
    click.echo("")
    click.echo("Not built yet, so not run: upload and validation of the extracts, the DuckDB warehouse and its")
    click.echo("outcome measures, and the dashboards. See the open issues; this command grows with them.")


def main() -> None:
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
