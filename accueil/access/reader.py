"""Named, parameterised queries on the published snapshot, checked against the viewer and cached.

A query is fixed SQL text with `$name` parameters bound by DuckDB, never formatted
into the text, so no value a user types can change what runs.  The cache key is the
query's name, its parameters and the snapshot's version; the viewer's rights are
checked before the cache is consulted, so a cached answer is never a way round them.

The cache is passed in, so that this layer does not depend on the dashboards' framework:
a `Reader` takes a decorator that memoises a function by its arguments (the dashboards
pass `st.cache_data(...)`, which Streamlit shares between sessions); without one, results
are kept in this process (`in_process`, least recently used first out).  The module's
`fetch` and `has_table` read through such a default reader.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from accueil.access import audit
from accueil.access.disclosure import blank_small_cells, suppression_threshold
from accueil.access.policy import SCOPES, Viewer
from accueil.access.scope import scoped_frame
from accueil.access.snapshot import connect, snapshot_info

# A cache: a decorator that memoises a function by its (hashable) arguments.
Cache = Callable[[Callable[..., pd.DataFrame]], Callable[..., pd.DataFrame]]
MAX_ENTRIES = 512


@dataclass(frozen=True)
class Query:
    name: str
    sql: str
    params: tuple[str, ...]
    scope: str

    def __post_init__(self):
        if self.scope not in SCOPES:
            raise ValueError(f"unknown scope {self.scope}")
        if self.scope == "agency" and "agency" not in self.params:
            raise ValueError(f"{self.name}: an agency-scoped query must take the agency as a parameter")


_OUTCOME_COLUMNS = (
    "outcome, period, agency_code, breakdown, breakdown_value, unit, suppressed, numerator, denominator, rate,"
    " ci_low, ci_high, coverage_suppressed, eligible, coverage"
)


# The directory ("no wrong door"): the sites offering $stream, in $language when one is given
# ('' for any), nearest first to the centroid of FSA $near when one is given ('' for none); the
# great-circle distance as docs/measures.md writes it (warehouse/macros/geography.sql).
DIRECTORY_SQL = """
with origin as (select latitude, longitude from reference.fsa_centroids where fsa = upper(trim($near)))
select
    s.site_code, s.site_name, s.agency_code, s.agency_name, s.site_fsa, s.place_name, s.community_size_code,
    v.language_codes, v.offered_in_french, s.is_remote,
    -- Null, not half the Earth, for a site with no location (least() skips a null).
    case when s.latitude is not null and o.latitude is not null then round(2 * 6371.0088 * asin(least(1.0, sqrt(
        power(sin(radians(s.latitude - o.latitude) / 2), 2)
        + cos(radians(o.latitude)) * cos(radians(s.latitude)) * power(sin(radians(s.longitude - o.longitude) / 2), 2)
    ))), 1) end as distance_km
from marts.dim_site_service as v
join marts.dim_site as s using (site_code)
left join origin as o on true
where v.stream_code = $stream
  and ($language = '' or list_contains(string_split(coalesce(v.language_codes, ''), '|'), $language))
order by distance_km nulls last, s.site_code
"""

QUERIES: dict[str, Query] = {
    q.name: q
    for q in [
        Query("catalog.tables", "select table_schema, table_name from information_schema.tables", (), "catalog"),
        Query(
            "catalog.codes",
            "select code_list, code, label_en, label_fr from marts.dim_code_value"
            " where code_list in ('gender', 'immigration_category', 'official_language', 'community_size',"
            " 'service_stream')",
            (),
            "catalog",
        ),
        Query(
            "catalog.agencies",
            "select agency_code, agency_name, report_language_code, site_count, urban_site_share,"
            " small_centre_site_share, rural_site_share from marts.dim_agency order by agency_code",
            (),
            "catalog",
        ),
        Query(
            "catalog.programs",
            "select program_code, agency_code, program_name_en, program_name_fr, stream_code from marts.dim_program"
            " order by program_code",
            (),
            "catalog",
        ),
        Query(
            "catalog.periods",
            "select period, start_date, end_date from marts.dim_period order by period",
            (),
            "catalog",
        ),
        Query(
            "outcomes.agencies",
            f"select {_OUTCOME_COLUMNS} from marts.fct_outcome_rates"
            " where outcome = $outcome and period = $period and breakdown = 'all' order by agency_code",
            ("outcome", "period"),
            "aggregate",
        ),
        Query(
            "outcomes.breakdown",
            f"select {_OUTCOME_COLUMNS} from marts.fct_outcome_rates"
            " where agency_code = $agency and period = $period and breakdown = $breakdown"
            " order by outcome, breakdown_value",
            ("agency", "period", "breakdown"),
            "aggregate",
        ),
        Query(
            "outcomes.trend",
            f"select {_OUTCOME_COLUMNS} from marts.fct_outcome_rates"
            " where agency_code = $agency and breakdown = 'all' and period <> 'all' order by outcome, period",
            ("agency",),
            "aggregate",
        ),
        Query(
            "followup.coverage",
            "select * from marts.fct_followup_coverage where outcome = $outcome and breakdown = $breakdown"
            " order by breakdown_value",
            ("outcome", "breakdown"),
            "aggregate",
        ),
        Query(
            "outputs_outcomes.agencies",
            "select * from marts.fct_outcomes_vs_outputs where period = $period and grain in ('agency', 'region')"
            " order by grain = 'region', agency_code",
            ("period",),
            "aggregate",
        ),
        Query(
            "outputs_outcomes.programs",
            "select * from marts.fct_outcomes_vs_outputs where agency_code = $agency and period = $period"
            " and grain = 'program' order by program_code",
            ("agency", "period"),
            "aggregate",
        ),
        Query(
            "needs.unmet",
            "select need, name_en, name_fr, is_served_by_a_stream, stream_codes, agency_code, period, suppressed,"
            " needs_named as denominator, needs_met as numerator, needs_unmet, share_unmet"
            " from marts.fct_unmet_needs where agency_code = $agency and period = $period"
            " order by suppressed, needs_unmet desc, need",
            ("agency", "period"),
            "aggregate",
        ),
        Query(
            "outputs.period",
            "select * from marts.fct_outputs where agency_code = $agency and period = $period and program_code = 'ALL'",
            ("agency", "period"),
            "aggregate",
        ),
        Query(
            "outputs.agency",
            "select * from marts.fct_outputs where agency_code = $agency and grain = 'agency' order by period",
            ("agency",),
            "aggregate",
        ),
        Query(
            "referrals.flows",
            "select from_code, to_code, referrals, suppressed from marts.fct_referral_flows"
            " where period = $period and stream_code = $stream order by from_code, to_code",
            ("period", "stream"),
            "aggregate",
        ),
        Query(
            "indicators.progress",
            "select p.*, d.name_en, d.name_fr, d.definition_en, d.definition_fr, d.characteristic_number,"
            " d.characteristic_en, d.characteristic_fr, d.unit, d.direction, d.source_en, d.source_fr,"
            " d.computed_by, d.warehouse_measure"
            " from marts.fct_indicator_progress p join marts.dim_indicator d using (indicator_code)"
            " order by d.characteristic_number, p.indicator_code, p.geography_code, p.period_start",
            (),
            "aggregate",
        ),
        Query(
            "access.sites",
            "select * from marts.dim_site order by site_code",
            (),
            "catalog",
        ),
        Query(
            "access.languages",
            "select code, label_en, label_fr from marts.dim_code_value where code_list = 'language'",
            (),
            "catalog",
        ),
        Query("access.fsas", "select * from reference.fsa_centroids order by fsa", (), "catalog"),
        Query("access.directory", DIRECTORY_SQL, ("stream", "language", "near"), "catalog"),
        Query(
            "access.by_fsa",
            "select * from marts.fct_access_by_fsa where period = $period and stream_code = $stream"
            " order by breakdown, group_code",
            ("period", "stream"),
            "aggregate",
        ),
        Query(
            "access.periods",
            "select distinct period from marts.fct_access_by_fsa order by period",
            (),
            "aggregate",
        ),
        Query(
            "access.gaps",
            "select * from marts.fct_access_gaps order by stream_code, nearest_site_km desc nulls first, residence_fsa",
            (),
            "aggregate",
        ),
        Query(
            # Open referrals and overdue follow-ups, per agency and for the region (accueil.access.followups).
            "open_items.counts",
            "select item, agency_code, suppressed, items, open_after_days, as_of_date from marts.fct_open_items"
            " order by item, agency_code = 'ALL', agency_code",
            (),
            "aggregate",
        ),
        Query(
            "surveys.results",
            "select * from marts.fct_survey_results order by survey_id, item, period, agency_code, stream_code",
            (),
            "aggregate",
        ),
        Query(
            "agency.loaded_quarters",
            "select quarter, upload_id, loaded_at from marts.fct_extract_loads where agency_code = $agency"
            " order by quarter",
            ("agency",),
            "agency",
        ),
        Query(
            "agency.completeness",
            # Every column of every sheet of the agency's extract for the quarter: its rows and values filled in.
            "select table_name, column_name, row_count, filled_count from marts.fct_extract_completeness"
            " where agency_code = $agency and quarter = $quarter order by table_name, column_name",
            ("agency", "quarter"),
            "agency",
        ),
    ]
}


def in_process(max_entries: int = MAX_ENTRIES) -> Cache:
    """The default cache: answers kept in this process, the least recently used dropped first.
    Keyed by the snapshot's version too, so a new publish is read at once and the old answers age out."""
    return functools.lru_cache(maxsize=max_entries)


def _run(name: str, params: tuple[tuple[str, str], ...], version: tuple) -> pd.DataFrame:
    query = QUERIES[name]
    with connect(version[0]) as con:
        return con.execute(query.sql, dict(params)).df()


class Reader:
    """The named queries for viewers, with their answers cached by `cache` (default: `in_process()`)."""

    def __init__(self, cache: Cache | None = None):
        self._run = (cache or in_process())(_run)

    def fetch(self, viewer: Viewer, name: str, **params: str) -> pd.DataFrame:
        """The result of the named query for these parameters, as the viewer may see it.

        An aggregate result for anyone but an admin passes the second line of disclosure
        control (accueil.access.disclosure) on its way out: after the cache, so a cached
        answer is checked on every read.  A view of one agency's client-level figures is audited.
        """
        query = QUERIES.get(name)
        if query is None:
            raise KeyError(f"no query named {name!r}")
        if set(params) != set(query.params):
            raise TypeError(f"{name} takes {sorted(query.params)}, got {sorted(params)}")
        bound = {key: str(value) for key, value in params.items()}
        viewer.check(query.scope, bound)
        info = snapshot_info()
        # A copy: the cache's own frame is never handed out, or blanked in place.
        frame = self._run(name, tuple(sorted(bound.items())), info.version).copy()
        if query.scope == "agency":
            audit.record_client_view(viewer, name, bound, info.key)
        elif query.scope == "aggregate" and not viewer.is_admin:
            frame, findings = blank_small_cells(frame, suppression_threshold())
            if findings:
                audit.record_blanked(viewer, name, bound, info.key, findings)
        # A funder bound to its grants: those agencies' rows and the region totals (accueil.access.scope).
        return scoped_frame(viewer, frame)

    def has_table(self, viewer: Viewer, schema: str, table: str) -> bool:
        return lists_table(self.fetch(viewer, "catalog.tables"), schema, table)


def lists_table(tables: pd.DataFrame, schema: str, table: str) -> bool:
    """Whether the answer of `catalog.tables` lists schema.table."""
    return bool(((tables["table_schema"] == schema) & (tables["table_name"] == table)).any())


_default = Reader()


def fetch(viewer: Viewer, name: str, **params: str) -> pd.DataFrame:
    """`Reader.fetch` with the in-process cache."""
    return _default.fetch(viewer, name, **params)


def has_table(viewer: Viewer, schema: str, table: str) -> bool:
    return _default.has_table(viewer, schema, table)
