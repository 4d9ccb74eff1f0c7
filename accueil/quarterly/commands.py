"""`accueil report`: write a quarter's report (a draft, audited), add an agency's note, approve it.

Like `accueil submissions`, these act on the home's files directly, so whoever runs them already
holds what an admin manages: they act as an admin named after the operating-system login.
"""

from __future__ import annotations

from pathlib import Path

import click

from accueil.access.policy import Viewer, operator


def _quarter(value: str) -> str:
    from accueil.ingest import names

    try:
        return str(names.quarter(value))
    except names.InvalidName as exc:
        raise click.BadParameter(str(exc)) from None


def default_folder() -> Path:
    """Owner-only, in the home: a draft is not for the shared folder, where it would skip the approval."""
    from accueil import config

    return config.home() / "quarterly"


@click.group("report", invoke_without_command=True)
@click.option("--quarter", help="The quarter (YYYYQn).")
@click.option("--lang", "lang", type=click.Choice(["en", "fr"]), default="en", show_default=True)
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="Folder (default: $ACCUEIL_HOME/quarterly)."
)
@click.pass_context
def report(ctx: click.Context, quarter: str | None, lang: str, out: Path | None) -> None:
    """Write QUARTER's report (outcomes against outputs, indicators against baselines, submission
    status, the agencies' notes) from the published snapshot, as HTML and PDF: a draft, recorded in
    the audit log, until an admin approves it (`accueil report approve QUARTER`)."""
    if ctx.invoked_subcommand is not None:
        return
    if not quarter:
        raise click.UsageError("give the quarter: accueil report --quarter YYYYQn [--lang fr|en]")
    from accueil.access import NotPublished
    from accueil.quarterly import document, review

    period = _quarter(quarter)
    viewer = Viewer(name=operator(), role="admin")
    try:
        review.draft(viewer, period)
        built = document.build(viewer, period, lang)
    except NotPublished as exc:
        raise click.ClickException(str(exc)) from None
    folder = out or default_folder()
    folder.mkdir(parents=True, exist_ok=True)
    html_path = folder / f"report_{period}_{lang}.html"
    pdf_path = folder / f"report_{period}_{lang}.pdf"
    html_path.write_text(document.to_html(built), encoding="utf-8")
    pdf_path.write_bytes(document.to_pdf(built))
    click.echo(f"{built.state}\n{html_path}\n{pdf_path}")


@report.command("note")
@click.argument("quarter")
@click.option("--agency", required=True, help="The agency whose section the note is on.")
@click.argument("text")
def note(quarter: str, agency: str, text: str) -> None:
    """Write AGENCY's note on its section of QUARTER's report (an empty TEXT takes it back; audited)."""
    from accueil.quarterly import review

    period = _quarter(quarter)
    try:
        review.add_note(Viewer(name=operator(), role="admin"), period, agency.strip(), text)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{agency.strip()}'s note on the {period} report is saved; an admin approves the report again.")


@report.command("approve")
@click.argument("quarter")
def approve(quarter: str) -> None:
    """Approve QUARTER's report as last drafted; funders and the council can then download it
    until a new snapshot or a new note makes the approval stale (audited)."""
    from accueil.access import NotPublished
    from accueil.quarterly import review

    period = _quarter(quarter)
    try:
        review.approve(Viewer(name=operator(), role="admin"), period)
    except (review.NotReady, NotPublished) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"The {period} report is approved.")


@report.command("status")
@click.argument("quarter")
def status(quarter: str) -> None:
    """Whether QUARTER's report is drafted, approved, or approved for data or notes that changed since."""
    from accueil.access.quarterly import notes, review_state

    period = _quarter(quarter)
    state = review_state(period)
    click.echo(f"{period}: {state.status}")
    if state.drafted_by:
        click.echo(f"drafted by {state.drafted_by} at {state.drafted_at}")
    if state.approved_by:
        stale = f" (stale: the {state.stale} changed since)" if state.stale else ""
        click.echo(f"approved by {state.approved_by} at {state.approved_at}{stale}")
    for agency, (_, by, at) in notes(period).items():
        click.echo(f"note from {agency} by {by} at {at}")
