"""`accueil audit ...`: read and export the audit log, and scan the snapshot for small cells.

Like `accueil users`, these act on the files directly, so whoever runs them already holds
what an admin manages; they read as an admin named after the operating-system login.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from accueil.access.policy import Viewer, operator


def _operator() -> Viewer:
    return Viewer(name=operator(), role="admin")


def _filters(function):
    for option in reversed(
        [
            click.option("--actor", help="Only this user (a name, or os:LOGIN for the command line)."),
            click.option("--action", help="Only this action (signin, signin_failed, export, upload_received, ...)."),
            click.option("--since", help="From this date or timestamp (ISO 8601, UTC)."),
            click.option("--until", help="Up to this date (the whole day) or timestamp."),
            click.option("--grep", "text", help="Only rows whose target or detail contain this text."),
        ]
    ):
        function = option(function)
    return function


@click.group("audit")
def audit_group() -> None:
    """The append-only audit log (sign-ins, uploads, views of client-level data, role changes, exports)."""


@audit_group.command("list")
@_filters
@click.option("--limit", type=click.IntRange(1, 1_000_000), default=50, show_default=True)
def audit_list(limit: int, **filters) -> None:
    """Show the newest audit rows."""
    from accueil.access.audit import audit_log

    rows = audit_log(_operator(), limit=limit, **filters)
    if rows.empty:
        click.echo("No audit rows match.")
        return
    for row in rows.itertuples():
        click.echo(f"{row.audit_id:>7}  {row.at}  {row.actor:<20} {row.action:<22} {row.target}  {row.detail}")


@audit_group.command("export")
@_filters
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV file to write; default: standard output.",
)
def audit_export(out: Path | None, **filters) -> None:
    """Export the audit log as CSV (the export is audited too)."""
    from accueil.access.audit import audit_log, record_export
    from accueil.csv_safe import frame_to_csv

    viewer = _operator()
    rows = audit_log(viewer, **filters).sort_values("audit_id")
    text = frame_to_csv(rows)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8", newline="")
        click.echo(f"Wrote {len(rows)} audit rows to {out}.", err=True)
    record_export(viewer, "audit_log", len(rows), filters={k: v for k, v in filters.items() if v})


@audit_group.command("scan")
@click.option("--threshold", type=click.IntRange(1, 1000), help="Default: the warehouse's suppression threshold.")
def audit_scan(threshold: int | None) -> None:
    """Scan the published snapshot's aggregate marts for small cells left unsuppressed, and for suppressed
    cells that the published ones give back by adding and subtracting (exit 1 if any)."""
    from accueil.access.audit import record
    from accueil.access.disclosure import scan_snapshot, suppression_threshold
    from accueil.access.exposure import aggregate_exposure
    from accueil.access.recovery import scan_recoverable
    from accueil.access.snapshot import NotPublished, snapshot_info

    threshold = threshold or suppression_threshold()
    try:
        info = snapshot_info()
    except NotPublished as exc:
        raise click.ClickException(str(exc)) from None
    tables = sorted(aggregate_exposure().tables)
    found = scan_snapshot(info.path, threshold)
    recovered = scan_recoverable(info.path, tables)
    record(
        _operator(),
        "disclosure_scan",
        info.path,
        threshold=threshold,
        findings=sum(f.cells for f in found),
        recoverable=len(recovered),
    )
    if not found and not recovered:
        click.echo(
            f"No unsuppressed cell under {threshold} in the aggregate marts of {info.path} "
            f"({len(tables)} tables described: {', '.join(tables)}), "
            "and no suppressed cell that the published cells of its table give back."
        )
        return
    for result in found:
        click.echo(f"{result.table}.{result.column}: {result.cells} cell(s) under {threshold} not suppressed")
        for example in result.examples:
            click.echo(f"    {json.dumps(example, default=str)}")
    if found:
        click.echo("These cells would be blanked for every aggregate reader; fix the mart that let them through.")
    for table in sorted({r.table for r in recovered}):
        cells = [r.cell for r in recovered if r.table == table]
        click.echo(f"{table}: {len(cells)} suppressed cell(s) that the published cells of the table give back")
        for cell in cells[:3]:
            click.echo(f"    {json.dumps(cell, default=str)}")
    if recovered:
        click.echo(
            "Suppress more cells with them (complementary suppression in the mart), so that no sum gives them back."
        )
    sys.exit(1)
