"""Latency of the dashboards' queries against the published snapshot, without any cache.

The pages ask `accueil.access` for named queries; each named query here runs with several
parameter sets drawn from the snapshot itself, each time on a new read-only connection, as
`accueil.access` does on a cache miss.  Results are grouped by page (the query name's
prefix).  If the access layer is missing, a representative set of SELECTs on the marts
stands in, and the result says so.
"""

from __future__ import annotations

import random
import statistics
import time

import duckdb

from accueil import config


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _domains(path: str) -> dict[str, list[str]]:
    with _connect(path) as con:

        def column(sql: str) -> list[str]:
            return [str(r[0]) for r in con.execute(sql).fetchall()]

        agencies = column("select distinct agency_code from marts.fct_outcome_rates order by 1")
        return {
            "agency": agencies,
            "period": column("select distinct period from marts.fct_outcome_rates order by 1"),
            "quarter": column("select distinct quarter from marts.fct_extract_loads order by 1"),
            "outcome": column("select distinct outcome from marts.fct_outcome_rates order by 1"),
            "breakdown": column("select distinct breakdown from marts.fct_outcome_rates order by 1"),
            # The snapshot holds the marts only: the streams the referral flows are published for ('all' among them).
            "stream": column("select distinct stream_code from marts.fct_referral_flows order by 1"),
            # The directory's search: a language of service, or any ('' as the page sends it), near a
            # residence FSA of the region.
            "language": ["", "french", "english"],
            "near": column(
                "select distinct group_code from marts.fct_access_by_fsa where breakdown = 'fsa' order by 1"
            ),
        }


def _named_queries():
    try:
        from accueil.access.reader import QUERIES
    except ImportError:
        return None
    return {name: (q.sql, q.params, q.scope) for name, q in QUERIES.items()}


FALLBACK = {
    "outcomes.agencies": (
        "select * from marts.fct_outcome_rates where outcome = $outcome and period = $period and breakdown = 'all'",
        ("outcome", "period"),
        "aggregate",
    ),
    "outcomes.breakdown": (
        "select * from marts.fct_outcome_rates where agency_code = $agency and period = $period"
        " and breakdown = $breakdown",
        ("agency", "period", "breakdown"),
        "aggregate",
    ),
    "outputs.agency": ("select * from marts.fct_outputs where agency_code = $agency", ("agency",), "aggregate"),
    "outputs_outcomes.agencies": (
        "select * from marts.fct_outcomes_vs_outputs where period = $period",
        ("period",),
        "aggregate",
    ),
}


def _connect(path: str) -> duckdb.DuckDBPyConnection:
    try:
        from accueil.access.snapshot import connect
    except ImportError:
        return duckdb.connect(path, read_only=True)
    return connect(path)


def measure(repeats: int = 10, seed: int = 9) -> dict:
    path = str(config.published_path())
    queries = _named_queries()
    source = "accueil.access named queries"
    if queries is None:
        queries, source = FALLBACK, "representative SELECTs on the marts (accueil.access not available)"
    domains = _domains(path)
    rng = random.Random(seed)
    timings: dict[str, list[float]] = {}
    for name, (sql, params, scope) in sorted(queries.items()):
        for _ in range(repeats if params else max(1, repeats // 2)):
            # An agency's own pages ask about a real agency, never the 'ALL' row of the marts.
            bound = {
                p: rng.choice([v for v in domains[p] if v != "ALL"] if scope == "agency" else domains[p])
                for p in params
            }
            started = time.perf_counter()
            with _connect(path) as con:
                con.execute(sql, bound).df()
            timings.setdefault(name, []).append((time.perf_counter() - started) * 1000)
    every = [t for values in timings.values() for t in values]
    pages: dict[str, list[float]] = {}
    for name, values in timings.items():
        pages.setdefault(name.split(".")[0], []).extend(values)
    return {
        "source": source,
        "queries": len(timings),
        "executions": len(every),
        "p50_ms": round(statistics.median(every), 1),
        "p95_ms": round(_percentile(every, 0.95), 1),
        "max_ms": round(max(every), 1),
        "pages": {
            page: {"p50_ms": round(statistics.median(v), 1), "p95_ms": round(_percentile(v, 0.95), 1)}
            for page, v in sorted(pages.items())
        },
        "slowest": sorted(([name, round(_percentile(v, 0.95), 1)] for name, v in timings.items()), key=lambda x: -x[1])[
            :5
        ],
    }
