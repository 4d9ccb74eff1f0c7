"""`accueil followups`: the partnership's counts of open referrals and overdue follow-ups, an
agency's own lists, and the number of days after which a referral is open.

Like `accueil submissions`, these act on the home's files directly, so whoever runs them already
holds what an admin manages: they read as an admin named after the operating-system login, and
a number of days they set is audited under that name (`setting_set`).
"""

from __future__ import annotations

from pathlib import Path

import click

from accueil.access.policy import Viewer, operator


@click.group("followups", invoke_without_command=True)
@click.pass_context
def followups(ctx: click.Context) -> None:
    """Open referrals and overdue follow-ups: the counts per agency and for the region, as published
    (suppressed counts shown as `x`), and the number of days after which a referral is open."""
    if ctx.invoked_subcommand is not None:
        return
    import pandas as pd

    from accueil.access import NotPublished, fetch
    from accueil.access.followups import open_days

    days, set_by_admin = open_days()
    how = "set by the partnership" if set_by_admin else "the default"
    click.echo(f"A referral is open when no service answers it {days} days after it ({how}).")
    try:
        counts = fetch(Viewer(name=operator(), role="council"), "open_items.counts")
    except NotPublished as exc:
        raise click.ClickException(str(exc)) from None
    if counts.empty:
        click.echo("No counts yet: the published snapshot was built before these lists; run `accueil build`.")
        return
    built_with = counts.loc[counts["item"] == "open_referral", "open_after_days"].dropna()
    if len(built_with) and int(built_with.iloc[0]) != days:
        click.echo(f"The published counts were built with {int(built_with.iloc[0])} days; the next build uses {days}.")
    click.echo(f"As of {counts['as_of_date'].iloc[0]:%Y-%m-%d} (the end of the data):")
    click.echo(f"{'agency':<10} {'open referrals':>15} {'overdue follow-ups':>19}")
    table = counts.pivot(index="agency_code", columns="item", values="items")
    hidden = counts.pivot(index="agency_code", columns="item", values="suppressed")
    order = sorted(table.index, key=lambda code: (code == "ALL", code))
    for code in order:
        cells = []
        for item in ("open_referral", "overdue_followup"):
            value = table.at[code, item]
            cells.append("x" if bool(hidden.at[code, item]) or pd.isna(value) else str(int(value)))
        click.echo(f"{code:<10} {cells[0]:>15} {cells[1]:>19}")
    click.echo("x: suppressed (fewer than the threshold, or would give one back by subtraction); never zero.")


@followups.command("open-days")
@click.argument("days", type=click.IntRange(1, 3650), required=False)
@click.option("--default", "use_default", is_flag=True, help="Go back to the default (30 days).")
def open_days_command(days: int | None, use_default: bool) -> None:
    """Show, or set (audited), the number of days after which a referral with no answering service
    is open; it takes effect at the next build."""
    from accueil import control
    from accueil.access.followups import DEFAULT_OPEN_DAYS, SETTING, open_days

    if days is None and not use_default:
        current, set_by_admin = open_days()
        click.echo(f"{current} days ({'set by the partnership' if set_by_admin else 'the default'}).")
        return
    if days is not None and use_default:
        raise click.UsageError("give either a number of days or --default, not both")
    with control.connect() as con:
        before = control.set_setting(con, operator(), SETTING, None if days is None else str(days))
    was = f" (was {before})" if before else ""
    now = DEFAULT_OPEN_DAYS if days is None else days
    click.echo(f"A referral is now open {now} days after it with no answering service{was}; the next build uses it.")


@followups.command("list")
@click.argument("kind", type=click.Choice(["referrals", "followups"]))
@click.option("--agency", required=True, help="The agency whose list it is (its own clients only).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write a CSV here instead of printing.")
def list_command(kind: str, agency: str, out: Path | None) -> None:
    """An agency's open referrals or overdue follow-ups, by record id, without the clients who did
    not consent (audited as a view of client-level data and, with --out, as an export)."""
    from accueil.access import NotPublished, record_export
    from accueil.access.followups import agency_list
    from accueil.csv_safe import frame_to_csv

    viewer = Viewer(name=operator(), role="admin")
    try:
        frame = agency_list(viewer, kind, agency.strip())
    except NotPublished as exc:
        raise click.ClickException(str(exc)) from None
    text = frame_to_csv(frame)
    if out is None:
        click.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    record_export(viewer, f"followups.{kind}", len(frame), agency=agency.strip(), path=str(out))
    click.echo(f"{len(frame)} rows written to {out}.")
