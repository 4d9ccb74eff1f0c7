"""The click commands `accueil anonymise` and `accueil keygen` (registered in accueil/cli.py)."""

from __future__ import annotations

import re
from pathlib import Path

import click

from accueil.quarters import Quarter

AGENCY_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,29}")
DRY_RUN_KEY = bytes(32)  # a dry run computes client keys with a dummy key and shows none of them


def _quarter(ctx: click.Context, param: click.Parameter, value: str | None) -> Quarter | None:
    if value is None:
        return None
    try:
        return Quarter.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _agency(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not AGENCY_CODE.fullmatch(value):
        raise click.BadParameter(f"{value!r} is not an agency code; use the code of the partnership's agencies.xlsx.")
    return value


@click.command()
@click.argument(
    "inputs", metavar="INPUT...", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--quarter", required=True, callback=_quarter, metavar="YYYYQn", help="The quarter the extract covers, e.g. 2025Q3."
)
@click.option("--agency", required=True, callback=_agency, help="Your agency's code in the partnership, e.g. AG001.")
@click.option(
    "--key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The partnership key file (made once by `accueil keygen`). Optional with --dry-run.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The anonymised extract to write: .xlsx, or .zip for one CSV per sheet. "
    "The report goes beside it (OUT.report.html, OUT.report.csv).",
)
@click.option("--dry-run", is_flag=True, help="Show what would be kept, transformed and dropped; write nothing.")
@click.option(
    "--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True, help="Language of the report."
)
def anonymise(
    inputs: tuple[Path, ...],
    quarter: Quarter,
    agency: str,
    key_file: Path | None,
    out: Path | None,
    dry_run: bool,
    lang: str,
) -> None:
    """Anonymise iCARE bulk-upload workbooks into the quarterly extract, on your own machine.

    INPUT is one or more of your iCARE workbooks (e.g. the three monthly files of the
    quarter); their rows are put together per sheet.  Identifiers become pseudonymous
    client keys, dates of birth years, postal codes FSAs; contact and address columns
    are dropped.  Problems are reported in OUT.report.html and OUT.report.csv; errors
    stop the extract from being written, warnings do not.
    """
    from accueil.anonymise.keys import KeyFileError, read_key_file
    from accueil.anonymise.pipeline import run
    from accueil.anonymise.write import describe, report_paths, write_extract, write_report

    if not dry_run:
        if key_file is None or out is None:
            raise click.UsageError("Give --key-file and --out, or --dry-run to only see what would be done.")
        if out.suffix.lower() not in (".xlsx", ".zip"):
            raise click.ClickException(f"{out} must end in .xlsx (a workbook) or .zip (one CSV per sheet).")
        if not out.parent.is_dir():
            raise click.ClickException(f"The folder {out.parent} does not exist.")
        if out.resolve() in {p.resolve() for p in inputs}:
            raise click.ClickException(f"{out} is one of the inputs; write the extract to another file.")
    try:
        key = read_key_file(key_file) if key_file is not None else DRY_RUN_KEY
    except KeyFileError as exc:
        raise click.ClickException(str(exc)) from None

    outcome = run(list(inputs), agency=agency, quarter=quarter, key=key)
    report = outcome.report
    counts = f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)"
    if dry_run:
        for line in describe(outcome):
            click.echo(line)
        click.echo(f"Problems: {counts}.")
        for (severity, sheet, rule), count in sorted(report.summary().items()):
            click.echo(f"  {severity:<8} {rule:<22} {sheet or '-'}: {count}")
        verdict = "would be written" if report.accepted else "would NOT be written because of the errors"
        click.echo(f"Dry run: nothing was written; the extract {verdict}.")
        return

    html_path, _ = report_paths(out)
    if not report.accepted:
        write_report(report, out, lang)
        raise click.ClickException(f"{counts} in the input, so {out} was not written: see {html_path}.")

    def report_first(digest: str) -> None:
        report.sha256 = digest
        write_report(report, out, lang)

    write_extract(out, outcome.rows, agency, str(quarter), before=report_first)
    written = sum(len(r) for r in outcome.rows.values())
    click.echo(f"Wrote {out} ({written} rows); {counts}: see {html_path}.")


@click.command()
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The key file to create; an existing file is never overwritten.",
)
def keygen(out: Path) -> None:
    """Make a new partnership key: 32 random bytes, hex-encoded, readable by you only.

    Make it once for the whole partnership and give it to each agency's data person
    by hand or over an encrypted channel; never to the warehouse.  The file is
    created with mode 0600 (owner only); `accueil anonymise` refuses a key file that
    other users can read.
    """
    from accueil.anonymise.keys import KeyFileError, new_key, write_key_file

    try:
        write_key_file(out, new_key())
    except KeyFileError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"{out} cannot be written ({exc.strerror}).") from None
    click.echo(f"Wrote a new partnership key to {out} (readable by you only). Keep a copy somewhere safe.")
