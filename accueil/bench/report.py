"""bench/results.json (merged: each scale keeps its own entry) and docs/benchmarks.md, rendered from it."""

from __future__ import annotations

import json
from pathlib import Path

from accueil import config
from accueil.bench.headline import verdict
from accueil.bench.scales import SCALES
from accueil.bench.split import in_order, label_of

# The analysis of the figures (profiles, what was removed, what is left) is written by
# hand; the page carries it below the measured sections.
FINDINGS = config.REPO_ROOT / "bench" / "findings.md"

# Issue 9's targets, on 2 cores and 24 GB; issue 18's for the quarter in each format.
TARGETS = [
    ("full_build_s", "Full build of one year (upload and validation included)", 600, "s"),
    ("peak_rss_gb", "Peak memory of the full build", 8, "GB"),
    ("incremental_quarter_xlsx_s", "One agency's quarter as .xlsx, upload to published", 30, "s"),
    ("incremental_quarter_s", "One agency's quarter as .zip, upload to published", 30, "s"),
    ("incremental_quarter_service_s", "A correction through the running service, upload to published", 30, "s"),
    ("dashboard_p95_ms", "Dashboard queries, p95", 500, "ms"),
    ("ratio_pipeline_to_baseline", "Full build / bare DuckDB baseline", 3, "×"),
]


def write_results(path: Path, scale: str, result: dict, command: str) -> dict:
    results = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    results[scale] = {"command": command, **result}
    # The latency target is national: a region run must not replace the national figure.
    shown = "national" if "national" in results else scale
    results["dashboard"] = {"scale": shown, **results[shown]["dashboard"]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    # As stored (keys sorted), so that the page renders the same from the run and from the file.
    return json.loads(path.read_text(encoding="utf-8"))


def _dagster(build: dict) -> float:
    return build["dagster_load_overhead_s"] + build["dagster_transform_overhead_s"] + build["other_s"]


def _figure(result: dict, key: str):
    return result["dashboard"]["p95_ms"] if key == "dashboard_p95_ms" else result.get(key)


def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "—"
    text = f"{value:,.0f}" if isinstance(value, int) or abs(value) >= 100 else f"{value:,.2f}"
    return f"{text} {unit}".strip()


def _targets(result: dict | None, scale: str) -> list[str]:
    lines = ["| target | limit | measured | |", "|---|---|---|---|"]
    for key, label, limit, unit in TARGETS:
        if result is None:
            lines.append(f"| {label} | {_fmt(limit, unit)} | not yet measured | |")
            continue
        value = _figure(result, key)
        if value is None:  # a run from before the figure was measured
            lines.append(f"| {label} | {_fmt(limit, unit)} | not measured in this run | |")
            continue
        if scale == "national":
            verdict = "met" if value <= limit else "**missed**"
        else:
            verdict = "under the national limit" if value <= limit else "over the national limit"
        lines.append(f"| {label} | {_fmt(limit, unit)} | {_fmt(value, unit)} | {verdict} |")
    lines.append(_equality_target(result))
    if result is not None and scale != "national":
        lines.append("")
        lines.append("The targets are set for the national scale; at this scale they are only a reference.")
    return lines


def _equality_target(result: dict | None) -> str:
    """Issue 18's target, at every scale: the incremental marts equal a full rebuild's, row for row."""
    text = "| Incremental marts equal to a full rebuild, row for row | every table, every row |"
    equality = None if result is None else result.get("incremental_equals_full")
    if result is None:
        return text + " not yet measured | |"
    if equality is None:
        return text + " not measured in this run | |"
    if equality["mismatched_tables"]:
        return text + f" {len(equality['mismatched_tables'])} of {equality['tables']} tables differ | **missed** |"
    return text + f" {equality['tables']} tables, {equality['rows']:,} rows equal | met |"


def _split_table(columns: list[tuple[str, dict | None]], totals: list[tuple[str, list]]) -> list[str]:
    """One row per part of the splits (label, then each column's seconds), then the totals."""
    keys = in_order({key for _, split in columns if split for key in split})
    lines = [
        "| part | " + " | ".join(name for name, _ in columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    for key in keys:
        if not any(split and split.get(key) for _, split in columns):
            continue  # a class of dbt node this project's build does not run (unit tests, other models)
        cells = [_fmt(split.get(key)) if split else "—" for _, split in columns]
        lines.append(f"| {label_of(key)} | " + " | ".join(cells) + " |")
    for name, values in totals:
        lines.append(f"| {name} | " + " | ".join(values) + " |")
    return lines


def _incremental(result: dict) -> list[str]:
    """The quarters uploaded after the full build, and the full rebuild they are checked against."""
    if "incremental_xlsx" not in result:  # a run from before the .xlsx file and the split
        inc = result["incremental"]
        return [
            f"`{inc['file']}`: **{_fmt(result['incremental_quarter_s'])} s** (upload and validation "
            f"{_fmt(inc['upload_validate_s'])} s, load {_fmt(inc['build']['duckdb_load_s'])} s, dbt "
            f"{_fmt(inc['build']['dbt_wall_s'])} s of which models and tests {_fmt(inc['build']['dbt_run_s'])} s, "
            f"publish {_fmt(inc['build']['publish_s'])} s, Dagster {_fmt(_dagster(inc['build']))} s); peak RSS "
            f"{_fmt(inc['peak_rss_gb'], 'GB')}.",
        ]
    runs = [result["incremental_xlsx" if fmt == "xlsx" else "incremental"] for fmt in result["incremental_order"]]
    full = result.get("full_refresh")
    columns = [(f"`{run['file']}`", run["split"]) for run in runs]
    totals = [
        ("**upload to published**", [f"**{_fmt(run['upload_to_published_s'])}**" for run in runs]),
        ("peak RSS", [_fmt(run["peak_rss_gb"], "GB") for run in runs]),
    ]
    if full:
        columns.append(("full rebuild of a copy", full["split"]))
        totals[0][1].append(f"**{_fmt(result['full_refresh_build_s'])}** (build only)")
        totals[1][1].append("—")
    order = " then ".join(f"`{run['file']}` (.{run['format']})" for run in runs)
    lines = [
        f"In this order: {order}, each an upload through the door and then `accueil build`, on the "
        "warehouse the one before it left. The extract staging models, `int_service_events` and "
        "`fct_extract_completeness` add the new partition; the other models are rebuilt whole; the "
        "row-level data tests run on the new upload's rows only."
        + (
            " The last column is the check below: a copy of the home rebuilt with `--full-refresh` "
            "(every model and every test on every row), not published."
            if full
            else ""
        ),
        "",
        *_split_table(columns, totals),
        "",
        "dbt's parts are each class of node's share of dbt's wall clock (its nodes run on several threads; "
        "at each instant the nodes running share it); Dagster and Python is what the other parts leave of "
        "the build's wall time; a part that is zero in every column is left out."
        + (
            " The full rebuild's dbt reuses the project's parse although its home is new: dbt runs beside "
            "the warehouse and names it by its file name alone, so the profile is the same in every home "
            "(orchestration/dbt_child.py)."
            if full
            else ""
        ),
    ]
    if "incremental_service" in result:
        lines += ["", "### A correction published by the running service", "", *_service(result["incremental_service"])]
    equality = result.get("incremental_equals_full")
    if equality is not None:
        lines += ["", "### The incremental marts against a full rebuild", "", _equality(result, equality)]
    return lines


def _service(run: dict) -> list[str]:
    """The upload `accueil serve` built and published by itself (accueil/bench/service_path.py)."""
    return [
        f"Then `accueil serve` was started on the same home and `{run['file']}` uploaded again with the last row "
        "of its orientation sheet taken out (a correction): the service's sensor found it, its daemon queued a run "
        "and started it in a new process, and that run loaded, built and published it, nobody typing a command. "
        "The parts come from the run's own records in the home's Dagster instance, and add up to the whole.",
        "",
        *_split_table(
            [(f"`{run['file']}`", run["split"])],
            [("**upload to published**", [f"**{_fmt(run['upload_to_published_s'])}**"])],
        ),
    ]


def _equality(result: dict, equality: dict) -> str:
    how = (
        f"After the incremental builds, the home was copied (without the uploaded files; "
        f"{_fmt(result['full_refresh']['copy_s'])} s) and the copy rebuilt from scratch "
        f"(`run_build(full_refresh=True, publish=False)`, {_fmt(result['full_refresh_build_s'])} s); "
        f"every table of the `marts` schema of the two warehouses was compared with `except all` both ways, "
        f"floating-point columns to {equality['float_decimals']} decimal places"
    )
    excluded = equality["excluded_columns"]
    how += (
        ", leaving out " + ", ".join(f"`{t}.{c}`" for t, cs in excluded.items() for c in cs) + " (times of the build)."
        if excluded
        else ", no column left out (the marts hold no time of the build)."
    )
    if not equality["mismatched_tables"]:
        return f"{how} **Equal**: {equality['tables']} tables, {equality['rows']:,} rows, row for row."
    return (
        f"{how} **They differ** in {len(equality['mismatched_tables'])} of {equality['tables']} tables: "
        + ", ".join(f"`{t}`" for t in equality["mismatched_tables"])
        + " (details in results.json"
        + (f"; the rebuilt copy is kept in `{equality['kept']}`" if equality.get("kept") else "")
        + ")."
    )


_AGREEMENT = {
    "agree": "the figures agree",
    "DISAGREE": "**the figures disagree**",
    "not compared": "**nothing to compare** (every published cell of a kind is suppressed at this size)",
}


def _section(scale: str, result: dict | None) -> list[str]:
    preset = SCALES[scale]
    lines = [f"## {scale.capitalize()} scale", ""]
    if result is None:
        lines += [
            f"Not yet measured. Preset: {preset['agencies']} agencies, {preset['clients_per_year']:,} clients a "
            "year. Run:",
            "",
            "```sh",
            f"make bench SCALE={scale}    # or: .venv/bin/accueil bench --scale {scale} [--years N]",
            "```",
            "",
            *_targets(None, scale),
            "",
        ]
        return lines
    m, s, v, b = result["machine"], result["sizes"], result["validation"], result["build"]
    lines += [
        f"Measured {result['measured_at']} with `{result['command']}`.",
        "",
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB, {m['system']}, Python {m['python']}; "
        f"load average at start {', '.join(str(x) for x in m['load_average_at_start'])}. "
        + ", ".join(f"{k} {v_}" for k, v_ in m["versions"].items())
        + ".",
        "",
        f"Data: {s['agencies']} agencies × {s['quarters']} quarters, {s['clients']:,} clients, {s['extracts']} "
        f"extracts (zips of CSVs) holding {s['rows']:,} rows, plus "
        + (
            "two agencies' last quarters held back for the incremental runs (one as .xlsx, one as .zip)."
            if "incremental_xlsx" in result
            else "one agency's last quarter held back for the incremental run."
        ),
        "",
        *_targets(result, scale),
        "",
        "### Full build: upload and validate every extract, then `accueil build`",
        "",
        "| step | seconds |",
        "|---|---|",
        f"| upload + validation ({v['workers']} worker processes) | {_fmt(result['upload_validate_s'])} |",
        f"| build: load, dbt, publish | {_fmt(result['build_s'])} |",
        f"| **full build** | **{_fmt(result['full_build_s'])}** |",
        f"| peak RSS of the process tree | {_fmt(result['peak_rss_gb'], 'GB')} |",
        "",
        "Where the full build's wall time goes (dbt's classes of node: their share of its wall clock, as "
        "below; a part that is zero is left out):",
        "",
        "| component | seconds | share |",
        "|---|---|---|",
    ]
    total = result["full_build_s"]
    for key in in_order(result["split"]):
        value = result["split"][key]
        if not value:
            continue
        lines.append(f"| {label_of(key)} | {_fmt(value)} | {value / total:.0%} |")
    lines += [
        "",
        f"Validation: {v['files']} files, {_fmt(v['validation_per_file_s'])} s per file of which Great "
        f"Expectations {_fmt(v['gx_per_file_s'])} s ({v['gx_share']:.0%}); {_fmt(v['rows_per_s'])} rows/s "
        f"overall (wall time, {v['workers']} workers). Loading: {_fmt(result['load']['duckdb_rows_per_s'])} rows/s "
        f"in DuckDB itself, {_fmt(result['load']['rows_per_s'])} rows/s counting the {b['load_runs']} Dagster "
        "load runs (the agency reference, then every waiting extract in one run).",
        "",
        "| sheet | rows | GX seconds (summed over files) | GX rows/s |",
        "|---|---|---|---|",
    ]
    for sheet, figures in v["per_sheet"].items():
        lines.append(f"| {sheet} | {figures['rows']:,} | {_fmt(figures['gx_s'])} | {_fmt(figures['gx_rows_per_s'])} |")
    lines += [
        "",
        f"Build detail: dbt parse of the manifest {_fmt(b['dbt_parse_manifest_s'])} s (none when it is already "
        f"up to date); dbt build "
        f"{_fmt(b['dbt_wall_s'])} s (start-up and parse {_fmt(b['dbt_startup_parse_s'])} s, models and tests "
        f"{_fmt(b['dbt_run_s'])} s); publish {_fmt(b['publish_s'])} s; slowest dbt nodes: "
        + ", ".join(f"`{name.split('.')[-1]}` {sec:.1f} s" for name, sec in b["dbt_slowest_nodes"])
        + "."
        + (
            " Node execution time summed by type (dbt runs nodes on several threads): "
            + ", ".join(f"{kind} {sec:.1f} s" for kind, sec in b["dbt_seconds_by_type"].items())
            + "."
            if "dbt_seconds_by_type" in b
            else ""
        ),
        "",
        "### One more quarter from "
        + ("each of two agencies" if "incremental_xlsx" in result else "one agency")
        + ", upload to published",
        "",
        *_incremental(result),
        "",
        "### Dashboard queries on the published snapshot",
        "",
        f"{result['dashboard']['source']}: {result['dashboard']['queries']} queries, "
        f"{result['dashboard']['executions']} executions, each on a new read-only connection and without "
        f"cache. p50 **{_fmt(result['dashboard']['p50_ms'], 'ms')}**, p95 "
        f"**{_fmt(result['dashboard']['p95_ms'], 'ms')}**, max {_fmt(result['dashboard']['max_ms'], 'ms')}.",
        "",
        "| page | p50 | p95 |",
        "|---|---|---|",
    ]
    for page, figures in result["dashboard"]["pages"].items():
        lines.append(f"| {page} | {_fmt(figures['p50_ms'], 'ms')} | {_fmt(figures['p95_ms'], 'ms')} |")
    a = result["agreement"]
    lines += [
        "",
        "### Bare DuckDB baseline",
        "",
        f"`accueil/bench/baseline.sql` on the same {result['baseline']['extracts']} extracts: "
        f"**{_fmt(result['baseline_s'])} s** (unzip {_fmt(result['baseline']['unzip_s'])} s, SQL "
        f"{_fmt(result['baseline']['sql_s'])} s, peak RSS {_fmt(result['baseline']['peak_rss_gb'], 'GB')}). "
        f"Pipeline / baseline: **{result['ratio_pipeline_to_baseline']:.1f}×**.",
        "",
        f"Agreement: {_AGREEMENT[verdict(a)[0]]} — "
        f"{a['outputs']['cells_compared']} published output cells (agency and region × quarter: clients served, "
        f"services, services per stream) and {a['outcomes']['cells_compared']} published outcome cells "
        "(numerator and denominator of language gain, employment at follow-up, sense of belonging and referral "
        f"completion, per agency × quarter and overall) compared; {a['outputs']['mismatch_count']} and "
        f"{a['outcomes']['mismatch_count']} differences.",
        "",
    ]
    return lines


def render(results: dict) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Written by `accueil bench` (`make bench`, `make bench SCALE=national`) from `bench/results.json`; "
        "do not edit it by hand. Every figure in the scale sections was measured in the run it names; the "
        "profile section at the end is written by hand (`bench/findings.md`) from runs kept in `bench/profile/`.",
        "",
        "What a run does: generates a region (`accueil generate --format zip`, the CSV form of the extract, "
        "for speed at national scale; the same files feed the pipeline and the baseline), holds back two "
        "agencies' last quarters (one as the `.xlsx` workbook agencies send, written from its CSVs by the "
        "generator's own writer; one as `.zip`), uploads and validates every other extract through the real door "
        "(`accueil.ingest.batch.submit_folder`) and runs `accueil build` in-process (load, dbt, publish). It then "
        "times the dashboards' queries, runs the bare DuckDB baseline on the same files, checks that the "
        "baseline's headline figures equal the published marts, uploads the held-back quarters one after the "
        "other, each followed by an incremental build (upload to published), starts the service (`accueil "
        "serve`) and uploads a correction of the second for it to publish by itself, and finally rebuilds a copy of "
        "the warehouse from scratch and checks that its marts equal the incremental ones, row for row; "
        "`accueil bench` fails when they do not.",
        "",
        "How it measures: wall clocks around the calls the build makes (Dagster runs, the DuckDB load, "
        "`dbt parse`, publish); dbt's own events for its start-up and parse versus models and tests; "
        "the per-sheet Great Expectations time that each upload's summary records; peak memory as the "
        "largest sum of the resident set sizes of this process and all its descendants (validation workers, "
        "dbt), sampled every 50 ms from /proc (psutil where /proc cannot name a process's children).",
        "",
    ]
    for scale in ("national", "region"):
        lines += _section(scale, results.get(scale))
    if FINDINGS.exists():
        lines += [FINDINGS.read_text(encoding="utf-8")]
    return "\n".join(lines).rstrip() + "\n"


def write_docs(path: Path, results: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(results), encoding="utf-8")
