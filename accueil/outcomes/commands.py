"""`accueil docs outcomes`: the table of docs/measures.md, from the outcome catalogue seed."""

from __future__ import annotations

import click


@click.command("outcomes")
@click.option("--check", is_flag=True, help="Exit 1 if docs/measures.md's table is out of date instead of writing it.")
def docs_outcomes(check: bool) -> None:
    """Write the outcome catalogue's table in docs/measures.md from seeds/outcome_catalogue.csv."""
    from accueil.generated import write_or_check
    from accueil.outcomes.docs import PAGE, render

    try:
        text = render(PAGE.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    write_or_check({PAGE: text}, check, "accueil docs outcomes")
