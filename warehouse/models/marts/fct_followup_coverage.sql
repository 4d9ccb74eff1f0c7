-- Who we hear from: for the outcomes that need a follow-up, the clients each counts (covered)
-- and those it could speak for but does not (not covered), region-wide over the whole period,
-- by gender, immigration category, official language, age band and community size, with the
-- share of each group among the covered and among the not covered.  docs/measures.md ("Who we
-- hear from").  Every figure is a published cell of fct_outcome_rates (the denominator, and
-- eligible minus it) or a ratio of them, withheld where that cell's coverage is: the disclosure
-- control of eligible (primary and complementary, by eligible) is this table's.
{% set followup_outcomes = ['employment_at_followup', 'sense_of_belonging'] %}
{% set breakdowns = ['all', 'gender', 'immigration_category', 'official_language', 'age_band', 'community_size'] %}
with

cells as (

    select outcome, breakdown, breakdown_value, coverage_suppressed, denominator, eligible
    from {{ ref('fct_outcome_rates') }}
    where agency_code = 'ALL'
      and period = 'all'
      and outcome in ('{{ followup_outcomes | join("', '") }}')
      and breakdown in ('{{ breakdowns | join("', '") }}')

),

counts as (

    select
        outcome,
        breakdown,
        breakdown_value,
        coverage_suppressed as suppressed,
        case when not coverage_suppressed then denominator end as covered_clients,
        case when not coverage_suppressed then eligible - denominator end as not_covered_clients
    from cells

),

totals as (

    select outcome, covered_clients as covered_total, not_covered_clients as not_covered_total
    from counts
    where breakdown = 'all'

),

final as (

    select
        c.outcome,
        c.breakdown,
        c.breakdown_value,
        c.suppressed,
        c.covered_clients,
        c.not_covered_clients,
        c.covered_clients / nullif(t.covered_total, 0) as covered_share,
        c.not_covered_clients / nullif(t.not_covered_total, 0) as not_covered_share
    from counts as c
    left join totals as t using (outcome)

)

select
    *,
    100 * (covered_share - not_covered_share) as share_gap_points
from final
