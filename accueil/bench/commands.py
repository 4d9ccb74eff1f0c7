"""`accueil bench`: the benchmark from the command line (registered in accueil/cli.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from accueil import config


@click.command()
@click.option("--scale", type=click.Choice(["region", "national"]), default="region", show_default=True)
@click.option("--years", type=click.IntRange(1, 10), default=1, show_default=True, help="Years of history.")
@click.option(
    "--out",
    "work",
    type=click.Path(file_okay=False, path_type=Path),
    help="Working folder: generated data (reused when the sizes match), the bench's own ACCUEIL_HOME, "
    "the baseline's files, the full rebuild's copy.  Default: bench/work/<scale>.",
)
@click.option("--results", type=click.Path(dir_okay=False, path_type=Path), help="Default: bench/results.json.")
@click.option(
    "--docs", "docs_page", type=click.Path(dir_okay=False, path_type=Path), help="Default: docs/benchmarks.md."
)
@click.option(
    "--agencies",
    type=click.IntRange(2, 2000),
    help="Override the scale's number of agencies (two at least: two agencies' last quarters are held back).",
)
@click.option("--quarters", type=click.IntRange(2, 40), help="Override the number of quarters (default 4 a year).")
@click.option("--clients", type=click.IntRange(10, 20_000_000), help="Override the number of clients.")
def bench(
    scale: str,
    years: int,
    work: Path | None,
    results: Path | None,
    docs_page: Path | None,
    agencies: int | None,
    quarters: int | None,
    clients: int | None,
) -> None:
    """Generate a region, run the real pipeline on it, time it against a bare DuckDB baseline."""
    from accueil.bench.failure import BenchFailed
    from accueil.bench.headline import verdict
    from accueil.bench.run import run_bench
    from accueil.bench.scales import BenchOptions

    options = BenchOptions.for_scale(
        scale,
        years,
        work=work or config.REPO_ROOT / "bench" / "work" / scale,
        results=results or config.REPO_ROOT / "bench" / "results.json",
        docs=docs_page or config.REPO_ROOT / "docs" / "benchmarks.md",
        agencies=agencies,
        quarters=quarters,
        clients=clients,
        command="accueil " + " ".join(sys.argv[1:]),
    )
    try:
        result = run_bench(options, log=click.echo)
    except BenchFailed as exc:
        raise click.ClickException(f"the bench stopped: {exc}") from exc
    equality = result["incremental_equals_full"]
    said, failure = verdict(result["agreement"])
    click.echo(
        f"full build {result['full_build_s']:.1f} s, peak {result['peak_rss_gb']:.2f} GB; one more quarter "
        f"{result['incremental_quarter_xlsx_s']:.1f} s as .xlsx, {result['incremental_quarter_s']:.1f} s as .zip"
        + (
            f", a correction {result['incremental_quarter_service_s']:.1f} s through the running service; "
            if "incremental_quarter_service_s" in result
            else "; "
        )
        + f"full rebuild {result['full_refresh_build_s']:.1f} s, its marts "
        + (
            f"equal to the incremental ones ({equality['tables']} tables, {equality['rows']:,} rows)"
            if not equality["mismatched_tables"]
            else f"DIFFERENT from the incremental ones in {', '.join(equality['mismatched_tables'])}"
        )
        + f"; dashboard p95 {result['dashboard']['p95_ms']:.0f} ms; baseline {result['baseline_s']:.1f} s "
        f"(pipeline/baseline {result['ratio_pipeline_to_baseline']:.1f}x); "
        f"headline figures {said}."
    )
    click.echo(f"Wrote {options.results} and {options.docs}.")
    failures = [failure] if failure else []
    if equality["mismatched_tables"]:
        failures.append(
            "the incrementally built marts differ from a full rebuild's"
            + (f" (the rebuilt copy is kept in {equality['kept']})" if equality.get("kept") else "")
        )
    if failures:
        raise click.ClickException("; ".join(failures) + ": see results.json")
