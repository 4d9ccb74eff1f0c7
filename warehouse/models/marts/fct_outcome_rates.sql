-- One row per outcome x period x agency (or ALL) x breakdown value: numerator, denominator,
-- rate with its Wilson 95% interval, and disclosure control.  docs/measures.md defines each.
{% set threshold = var('suppression_threshold') %}
{% set z = 1.96 %}
{% set partitioning = "('gender', 'age_band', 'immigration_category', 'official_language', 'community_size', 'gender_x_immigration_category')" %}

{% set groupings = [
    ('period', 'agency_code'), ('period', "'ALL'"), ("'all'", 'agency_code'), ("'all'", "'ALL'"),
] %}



{#- Every unit once per grouping: (quarter, agency), (quarter, ALL), (all, agency), (all, ALL). #}
with

records as (

    {% for period, agency in groupings %}
    select outcome, unit_id, client_key, {{ agency }} as agency_code, {{ period }} as period, is_met
    from {{ ref('int_outcome_records') }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

{# Participation is counted per cell: clients served by the agency (or anywhere) in the
   period, and which of them took part in community connections there. #}
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

    select * from records
    union all
    select * from participation

),

expanded_units as ({{ expand_breakdowns('units') }}),

proportions as (

    select
        outcome,
        period,
        agency_code,
        breakdown,
        breakdown_value,
        sum(case when is_met then 1 else 0 end) as numerator,
        count(distinct unit_id) as denominator,
        'proportion' as unit,
        cast(null as double) as median,
        cast(null as double) as median_low,
        cast(null as double) as median_high
    from expanded_units
    group by all

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

{# Complementary suppression: where a group of cells that adds up to a published total has
   exactly one suppressed cell, suppress its smallest other cell too; groups are the values
   of a partitioning breakdown, and the agencies of one breakdown value.  Five rounds are
   enough in practice; a test checks that no group is left with a single suppressed cell. #}
{% set previous = namespace(name='primary_suppression') %}
{% for round in range(1, 6) %}
{% for pass, partition, eligible in [
    ('values', 'outcome, period, agency_code, breakdown', 'breakdown in ' ~ partitioning),
    ('agencies', 'outcome, period, breakdown, breakdown_value', "agency_code <> 'ALL'"),
] %}
round_{{ round }}_{{ pass }} as (

    select
        * exclude (suppressed, group_suppressed, group_cells, candidate_rank),
        suppressed
            or ({{ eligible }} and group_suppressed = 1 and group_cells > 1 and candidate_rank = 1)
            as suppressed
    from (
        select
            * exclude (suppressed),
            suppressed,
            sum(case when suppressed then 1 else 0 end) over (partition by {{ partition }}, ({{ eligible }}))
                as group_suppressed,
            count(*) over (partition by {{ partition }}, ({{ eligible }})) as group_cells,
            row_number() over (
                partition by {{ partition }}, ({{ eligible }})
                order by suppressed, denominator, breakdown_value, agency_code
            ) as candidate_rank
        from {{ previous.name }}
    )

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
            else ((numerator / denominator + {{ z * z }} / (2 * denominator))
                  - {{ z }} * sqrt(numerator / denominator * (1 - numerator / denominator) / denominator
                                   + {{ z * z }} / (4 * denominator * denominator)))
                 / (1 + {{ z * z }} / denominator) end::double as ci_low,
        case when suppressed then null
            when unit = 'days' then median_high
            else ((numerator / denominator + {{ z * z }} / (2 * denominator))
                  + {{ z }} * sqrt(numerator / denominator * (1 - numerator / denominator) / denominator
                                   + {{ z * z }} / (4 * denominator * denominator)))
                 / (1 + {{ z * z }} / denominator) end::double as ci_high
    from {{ previous.name }}

)

select * from final
