-- The cells of fct_outcome_rates before disclosure control: one row per outcome x period x
-- agency (or ALL) x breakdown value, with numerator, denominator, and the rate with its 95%
-- interval (Wilson for proportions, order statistics for medians).  docs/measures.md defines
-- each.  Not for publication: only fct_outcome_rates applies the suppression threshold.
{% set z = 1.96 %}

{% set groupings = [
    ('period', 'agency_code'), ('period', "'ALL'"), ("'all'", 'agency_code'), ("'all'", "'ALL'"),
] %}

{#- A unit of int_outcome_records counts once per outcome (its unique_within test), with one
    agency and one quarter: it is counted in its quarter x agency cells only, and the ALL and
    'all' cells are their sums (`rolls_up`).  Counting it in all four groupings and then counting
    distinct units gave the same cells at four times the rows, most of this model's time at
    national scale. #}
with

{# Participation is counted per cell: clients served by the agency (or anywhere) in the
   period, and which of them took part in community connections there.  A client served at
   two agencies is one unit of the ALL cell, so each grouping is counted on its own and does
   not roll up; within one, a client is one row. #}
participation as (

    {% for period, agency in groupings %}
    select
        'community_participation' as outcome,
        client_key as unit_id,
        client_key,
        {{ agency }} as agency_code,
        {{ period.replace('period', 'service_quarter') }} as period,
        bool_or(stream_code = 'community_connections') as is_met
    from {{ ref('int_service_events') }}
    group by all
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

{# `is_counted`: in the denominator; a unit the outcome could speak for but does not count
   (int_outcome_not_covered) adds to `eligible` only.  Participation counts every client it
   could speak for. #}
units as (

    select true as rolls_up, outcome, unit_id, client_key, agency_code, period, is_met, true as is_counted
    from {{ ref('int_outcome_records') }}
    union all
    select true, outcome, unit_id, client_key, agency_code, period, false, false
    from {{ ref('int_outcome_not_covered') }}
    union all
    select false as rolls_up, *, true from participation

),

{# Units with the same attributes count the same in every cell: counted once per kind of
   client before they are spread over the breakdowns, not once per unit per breakdown (at
   national scale, tens of millions of rows fewer). #}
described_units as (

    select rolls_up, outcome, period, agency_code, described, columns('^_client_'),
        count_if(is_met) as numerator, count_if(is_counted) as denominator, count(*) as eligible
    from ({{ describe_clients('units') }})
    group by all

),

{# An outcome is broken down only as its catalogue row says (the needs met per need by
   community size only, the francophones served in French per stream not at all). #}
catalogued_breakdowns as (

    select outcome, unnest(string_split(breakdowns, ' ')) as breakdown
    from {{ ref('outcome_catalogue') }}

),

expanded_units as ({{ expand_breakdowns('described_units', catalogued='catalogued_breakdowns') }}),

unit_cells as (

    select rolls_up, outcome, period, agency_code, breakdown, breakdown_value,
        {# the types count_if and count(*) gave when units were counted one by one #}
        sum(numerator) as numerator, sum(denominator) as denominator, sum(eligible)::bigint as eligible
    from expanded_units
    group by all

),

proportions as (

    select
        *,
        'proportion' as unit,
        cast(null as double) as median,
        cast(null as double) as median_low,
        cast(null as double) as median_high
    from (
        {% for period, agency in groupings %}
        select outcome, {{ period }} as period, {{ agency }} as agency_code, breakdown, breakdown_value,
            sum(numerator)::bigint as numerator, sum(denominator)::bigint as denominator,
            sum(eligible)::bigint as eligible
        from unit_cells
        where rolls_up
        group by all
        union all
        {% endfor %}
        select * exclude (rolls_up) from unit_cells where not rolls_up
    )
    {# A cell exists where the outcome counts someone: a quarter or agency whose eligible units
       are all uncovered has no rate, and its eligible units still count in the totals. #}
    where denominator > 0

),

first_service as (

    {% for period, agency in groupings %}
    select
        'days_arrival_to_first_service' as outcome,
        client_key,
        {{ agency.replace('agency_code', 'first_agency_code') }} as agency_code,
        {{ period.replace('period', 'first_service_quarter') }} as period,
        datediff('day', arrival_date, first_service_date) as days
    from {{ ref('int_client_spine') }}
    where first_service_date is not null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

described_first_service as ({{ describe_clients('first_service') }}),

expanded_first_service as ({{ expand_breakdowns('described_first_service') }}),

{# The median read from the sorted days that the interval reads too (DuckDB's median of
   integers: the middle one, or the mean of the two middle ones), not by a second aggregate
   that sorts them again (6.6 to 7.1 s against 5.9 to 6.7 s for this model on a national year). #}
first_service_days as (

    select *, (sorted_days[(n + 1) // 2] + sorted_days[n // 2 + 1]) / 2 as median
    from (
        select outcome, period, agency_code, breakdown, breakdown_value, count(*) as n,
            list_sort(list(days)) as sorted_days
        from expanded_first_service
        group by all
    )

),

medians as (

    select
        outcome,
        period,
        agency_code,
        breakdown,
        breakdown_value,
        cast(null as bigint) as numerator,
        n as denominator,
        n as eligible,
        'days' as unit,
        median,
        {# Distribution-free 95% interval of the median: the order statistics whose ranks come
           from the normal approximation to the binomial (Conover, Practical Nonparametric
           Statistics, 3rd ed., section 3.2).  Withheld under median_interval_minimum clients,
           where the ranks reach the lowest and highest values: single clients' figures. #}
        case when n >= {{ var('median_interval_minimum') }} then
            sorted_days[greatest(1, floor((n - {{ z }} * sqrt(n)) / 2)::bigint)]
        end as median_low,
        case when n >= {{ var('median_interval_minimum') }} then
            sorted_days[least(n, ceil(1 + (n + {{ z }} * sqrt(n)) / 2)::bigint)]
        end as median_high
    from first_service_days

),

cells as (

    select * from proportions
    union all select * from medians

),

intervals as (

    select
        *,
        case when unit = 'days' then median
            else numerator / denominator end::double as rate,
        case when unit = 'days' then median_low
            -- clamped: at 0/n or n/n the formula lands a rounding error outside [0, 1]
            else greatest(0, {{ wilson_low('numerator', 'denominator', z) }}) end::double as ci_low,
        case when unit = 'days' then median_high
            else least(1, {{ wilson_high('numerator', 'denominator', z) }}) end::double as ci_high,
        denominator / eligible as coverage
    from cells

),

{# employment_at_followup_adjusted: one region-wide cell over the whole period.  Each client
   reached weighs eligible / respondents of its weighting cell (int_employment_weighting_cells);
   the rate is the weighted share employed, and its interval Wilson's at Kish's effective sample
   size (sum of weights)^2 / (sum of squared weights), so that unequal weights widen it.  No
   numerator: the rate is not a count over the denominator. #}
adjusted as (

    select
        'employment_at_followup_adjusted' as outcome,
        'all' as period,
        'ALL' as agency_code,
        'all' as breakdown,
        'all' as breakdown_value,
        'proportion' as unit,
        cast(null as bigint) as numerator,
        sum(respondents)::bigint as denominator,
        sum(eligible)::bigint as eligible,
        {# sums of doubles in a fixed order: a parallel sum differs in its last bit from build to
           build, and an incremental build must equal a full one #}
        list_sum(list(eligible * employed / respondents order by level, cell) filter (where respondents > 0))
            / sum(eligible) filter (where respondents > 0) as rate,
        pow(sum(eligible) filter (where respondents > 0), 2)
            / list_sum(list(eligible * eligible / respondents order by level, cell) filter (where respondents > 0))
            as effective_n
    from {{ ref('int_employment_weighting_cells') }}
    having sum(respondents) > 0

)

select outcome, period, agency_code, breakdown, breakdown_value, unit, numerator, denominator, rate, ci_low, ci_high,
    eligible, coverage
from intervals
union all
select
    outcome, period, agency_code, breakdown, breakdown_value, unit, numerator, denominator, rate::double,
    greatest(0, {{ wilson_low('rate * effective_n', 'effective_n', z) }})::double,
    least(1, {{ wilson_high('rate * effective_n', 'effective_n', z) }})::double,
    eligible,
    denominator / eligible
from adjusted
