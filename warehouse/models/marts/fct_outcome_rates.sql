-- One row per outcome x period x agency (or ALL) x breakdown value: numerator, denominator,
-- rate with its Wilson 95% interval, and disclosure control.  docs/measures.md defines each.
{% set threshold = var('suppression_threshold') %}
{% set z = 1.96 %}
{% set partitioning = "('gender', 'age_band', 'immigration_category', 'official_language', 'community_size', 'gender_x_immigration_category')" %}

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

units as (

    select true as rolls_up, outcome, unit_id, client_key, agency_code, period, is_met
    from {{ ref('int_outcome_records') }}
    union all
    select false as rolls_up, * from participation

),

expanded_units as ({{ expand_breakdowns('units') }}),

unit_cells as (

    select rolls_up, outcome, period, agency_code, breakdown, breakdown_value,
        count_if(is_met) as numerator, count(*) as denominator
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
            sum(numerator)::bigint as numerator, sum(denominator)::bigint as denominator
        from unit_cells
        where rolls_up
        group by all
        union all
        {% endfor %}
        select * exclude (rolls_up) from unit_cells where not rolls_up
    )

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

expanded_first_service as ({{ expand_breakdowns('first_service') }}),

medians as (

    select
        outcome,
        period,
        agency_code,
        breakdown,
        breakdown_value,
        cast(null as bigint) as numerator,
        count(*) as denominator,
        'days' as unit,
        median(days) as median,
        -- distribution-free 95% interval of the median: order statistics (Conover)
        list_sort(list(days))[greatest(1, floor((count(*) - {{ z }} * sqrt(count(*))) / 2)::bigint)] as median_low,
        list_sort(list(days))[least(count(*), ceil(1 + (count(*) + {{ z }} * sqrt(count(*))) / 2)::bigint)]
            as median_high
    from expanded_first_service
    group by all

),

cells as (

    select * from proportions
    union all select * from medians

),

primary_suppression as (

    select
        *,
        denominator < {{ threshold }}
            or (coalesce(numerator, 0) > 0 and coalesce(numerator, 0) < {{ threshold }}) as suppressed
    from cells

),

{# Complementary suppression.  Three kinds of group add up to a published total:
     values:   the values of one partitioning breakdown of an (outcome, period, agency) cell
               add up to its breakdown 'all' cell;
     agencies: the agencies of an (outcome, period, breakdown value) add up to its 'ALL' cell;
     periods:  the quarters of an (outcome, agency, breakdown value) add up to its 'all'-period
               cell (exactly for referrals, whose units are records; in part for client-based
               outcomes, since most clients fall in one quarter).
   A group (parts and total) with exactly one suppressed member lets that member be recovered
   by subtraction, so the unsuppressed member with the smallest denominator (parts before the
   total) is suppressed too.  The total counts as a member: a lone part that is suppressed
   takes its equal total with it.  Rounds repeat until nothing changes in practice;
   tests/assert_no_lone_suppressed_cell.sql checks the result. #}
{% set cell_key = ['outcome', 'period', 'agency_code', 'breakdown', 'breakdown_value'] %}
{% set previous = namespace(name='primary_suppression') %}
{% for round in range(1, var('suppression_rounds', 8) + 1) %}
{% for pass, group_key in [
    ('values', 'outcome, period, agency_code, member_group'),
    ('agencies', 'outcome, period, breakdown, breakdown_value'),
    ('periods', 'outcome, agency_code, breakdown, breakdown_value'),
] %}
round_{{ round }}_{{ pass }}_members as (

    {% if pass == 'values' %}
    select *, breakdown as member_group, false as is_total
    from {{ previous.name }}
    where breakdown in {{ partitioning }}
    union all
    select t.*, g.member_group, true as is_total
    from {{ previous.name }} as t
    cross join (select unnest({{ partitioning.replace('(', '[').replace(')', ']') }}) as member_group) as g
    where t.breakdown = 'all'
    {% elif pass == 'agencies' %}
    select *, agency_code = 'ALL' as is_total from {{ previous.name }}
    {% else %}
    select *, period = 'all' as is_total from {{ previous.name }}
    {% endif %}

),

round_{{ round }}_{{ pass }}_picked as (

    select distinct {{ cell_key | join(', ') }}
    from (
        select
            *,
            sum(case when suppressed then 1 else 0 end) over (partition by {{ group_key }}) as group_suppressed,
            row_number() over (
                partition by {{ group_key }}
                order by suppressed, denominator, is_total, breakdown_value, agency_code, period
            ) as candidate_rank
        from round_{{ round }}_{{ pass }}_members
    )
    where group_suppressed = 1 and candidate_rank = 1 and not suppressed

),

round_{{ round }}_{{ pass }} as (

    select c.* exclude (suppressed), c.suppressed or p.outcome is not null as suppressed
    from {{ previous.name }} as c
    left join round_{{ round }}_{{ pass }}_picked as p using ({{ cell_key | join(', ') }})

),
{% set previous.name = 'round_' ~ round ~ '_' ~ pass %}
{% endfor %}
{% endfor %}

final as (

    select
        outcome,
        period,
        agency_code,
        breakdown,
        breakdown_value,
        unit,
        suppressed,
        cast(case when not suppressed then numerator end as bigint) as numerator,
        cast(case when not suppressed then denominator end as bigint) as denominator,
        case when suppressed then null
            when unit = 'days' then median
            else numerator / denominator end::double as rate,
        case when suppressed then null
            when unit = 'days' then median_low
            -- clamped: at 0/n or n/n the formula lands a rounding error outside [0, 1]
            else greatest(0, ((numerator / denominator + {{ z * z }} / (2 * denominator))
                  - {{ z }} * sqrt(numerator / denominator * (1 - numerator / denominator) / denominator
                                   + {{ z * z }} / (4 * denominator * denominator)))
                 / (1 + {{ z * z }} / denominator)) end::double as ci_low,
        case when suppressed then null
            when unit = 'days' then median_high
            else least(1, ((numerator / denominator + {{ z * z }} / (2 * denominator))
                  + {{ z }} * sqrt(numerator / denominator * (1 - numerator / denominator) / denominator
                                   + {{ z * z }} / (4 * denominator * denominator)))
                 / (1 + {{ z * z }} / denominator)) end::double as ci_high
    from {{ previous.name }}

)

select * from final
