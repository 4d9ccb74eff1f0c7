"""`accueil submissions`: who has sent a quarter's extract, and the quarter's due date.

Like `accueil users`, these act on the home's files directly, so whoever runs them already
holds what an admin manages: they read as an admin named after the operating-system login,
and a due date they set is audited under that name (`submission_due_set`).
"""

from __future__ import annotations

from datetime import date

import click

from accueil.access.policy import Viewer, operator


def _quarter(value: str | None):
    from accueil.ingest import names

    try:
        return names.quarter(value)
    except names.InvalidName as exc:
        raise click.BadParameter(str(exc)) from None


@click.group("submissions", invoke_without_command=True)
@click.option("--quarter", help="The quarter (YYYYQn); default: the latest quarter that has ended.")
@click.pass_context
def submissions(ctx: click.Context, quarter: str | None) -> None:
    """Which agencies sent an accepted extract for a quarter, which were rejected and have not
    corrected it, which sent nothing, against the quarter's due date (read live from the upload register)."""
    if ctx.invoked_subcommand is not None:
        return
    import pandas as pd

    from accueil.access.submissions import default_quarter, due_dates, submission_status

    period = str(_quarter(quarter) if quarter else default_quarter())
    due, set_by_admin = due_dates([period])[period]
    rows = submission_status(Viewer(name=operator(), role="admin"), period)
    how = "set by an admin" if set_by_admin else "the default: 30 days after the quarter ends"
    click.echo(f"Quarter {period}, due {due.isoformat()} ({how}).")
    if rows.empty:
        click.echo("No agencies yet: load the agency reference file with `accueil agencies load`.")
        return
    click.echo(f"{'agency':<12} {'status':<9} {'late':<5} {'upload':>7}  {'received':<25} {'attempts':>8}  name")
    for r in rows.itertuples():
        upload = "" if pd.isna(r.upload_id) else str(r.upload_id)
        late = "yes" if r.late else "no"
        received = "" if pd.isna(r.received_at) else r.received_at
        line = (
            f"{r.agency_code:<12} {r.status:<9} {late:<5} {upload:>7}  {received:<25} {r.attempts:>8}  {r.agency_name}"
        )
        click.echo(line.rstrip())
    counts = rows["status"].value_counts()
    summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("accepted", "checking", "rejected", "missing"))
    click.echo(f"{len(rows)} agencies: {summary}; {int(rows['late'].sum())} late.")


@submissions.command("due")
@click.argument("quarter")
@click.argument("due_date", required=False)
@click.option("--default", "use_default", is_flag=True, help="Go back to the default (30 days after the quarter).")
def due(quarter: str, due_date: str | None, use_default: bool) -> None:
    """Set the date QUARTER's extracts are due (YYYY-MM-DD), or with --default clear it (audited)."""
    from accueil import control

    period = str(_quarter(quarter))
    if use_default == bool(due_date):
        raise click.UsageError("give either a due date (YYYY-MM-DD) or --default, not both and not neither")
    value = None
    if due_date:
        try:
            value = date.fromisoformat(due_date.strip())
        except ValueError:
            raise click.BadParameter(f"{due_date!r} is not a date; write it as YYYY-MM-DD") from None
        if value < _quarter(period).start:
            raise click.BadParameter(f"{value.isoformat()} is before {period} begins: extracts cannot be due then")
    with control.connect() as con:
        before = control.set_due_date(con, operator(), period, None if value is None else value.isoformat())
    was = f" (was {before})" if before else ""
    if value is None:
        click.echo(f"{period}'s extracts are due on the default date again: 30 days after the quarter ends{was}.")
    else:
        click.echo(f"{period}'s extracts are now due on {value.isoformat()}{was}.")
