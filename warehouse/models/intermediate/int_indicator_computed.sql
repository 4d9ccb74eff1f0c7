-- The indicators the warehouse computes from the extracts, for the partnership's region and
-- each quarter.  Outcome-based ones are the region-wide, all-clients cells of fct_outcome_rates
-- (same definitions, same disclosure control); service reach and timely service in small
-- centres and rural areas are computed here; access to language training is the region's cell of
-- fct_access_by_fsa.  Proportions become percentages.
{% set z = 1.96 %}

with

catalogue as (

    select indicator_code, warehouse_measure
    from {{ ref('indicator_catalogue') }}
    where computed_by = 'warehouse'

),

outcome_cells as (

    select
        catalogue.indicator_code,
        rates.period,
        rates.suppressed,
        rates.denominator,
        case when rates.unit = 'proportion' then 100 else 1 end as scale,
        rates.rate,
        rates.ci_low,
        rates.ci_high
    from {{ ref('fct_outcome_rates') }} as rates
    inner join catalogue on catalogue.warehouse_measure = rates.outcome
    where rates.agency_code = 'ALL'
      and rates.breakdown = 'all'
      and rates.period <> 'all'

),

from_outcomes as (

    select
        indicator_code,
        period,
        suppressed,
        denominator,
        rate * scale as value,
        ci_low * scale as ci_low,
        ci_high * scale as ci_high
    from outcome_cells

),

clients_served as (

    select service_quarter as period, count(distinct client_key) as clients
    from {{ ref('int_service_events') }}
    where service_quarter is not null
    group by all

),

arrivals as (

    select period, value as arrivals
    from {{ ref('int_indicator_observation_versions') }}
    where is_current
      and indicator_code = '{{ var("arrivals_indicator") }}'
      and geography_code = '{{ var("indicator_region") }}'
      and length(period) = 6

),

reach_cells as (

    select
        clients_served.period,
        clients_served.clients,
        cast(round(arrivals.arrivals) as bigint) as arrivals,
        {{ primary_suppression('arrivals.arrivals', 'clients_served.clients', proportion=false) }} as suppressed
    from clients_served
    inner join arrivals using (period)

),

-- The count of clients is taken as Poisson (normal approximation), the arrivals as exact.
reach as (

    select
        catalogue.indicator_code,
        reach_cells.period,
        reach_cells.suppressed,
        reach_cells.arrivals as denominator,
        reach_cells.clients / reach_cells.arrivals as value,
        greatest(0, reach_cells.clients - {{ z }} * sqrt(reach_cells.clients)) / reach_cells.arrivals as ci_low,
        (reach_cells.clients + {{ z }} * sqrt(reach_cells.clients)) / reach_cells.arrivals as ci_high
    from reach_cells
    cross join catalogue
    where catalogue.warehouse_measure = 'service_reach'

),

small_rural_clients as (

    select
        first_service_quarter as period,
        count(*) as denominator,
        count(*) filter (where arrival_quarter = first_service_quarter) as numerator
    from {{ ref('int_client_spine') }}
    where community_size_code in ('small_centre', 'rural')
      and arrival_date is not null
      and first_service_quarter is not null
    group by all

),

small_rural as (

    select
        catalogue.indicator_code,
        cells.period,
        {{ primary_suppression('cells.denominator', 'cells.numerator') }} as suppressed,
        cells.denominator,
        100.0 * cells.numerator / cells.denominator as value,
        100 * {{ wilson_low('cells.numerator', 'cells.denominator', z) }} as ci_low,
        100 * {{ wilson_high('cells.numerator', 'cells.denominator', z) }} as ci_high
    from small_rural_clients as cells
    cross join catalogue
    where catalogue.warehouse_measure = 'small_rural_served_in_arrival_quarter'

),

-- Clients within 25 km of language training: the complement of the region's share beyond 25 km
-- (fct_access_by_fsa, same disclosure control).
near_language_training as (

    select
        catalogue.indicator_code,
        access.period,
        access.share_suppressed as suppressed,
        access.clients_served as denominator,
        100.0 * (access.clients_served - access.clients_beyond_25km) / access.clients_served as value,
        100 * {{ wilson_low('(access.clients_served - access.clients_beyond_25km)', 'access.clients_served', z) }} as ci_low,
        100 * {{ wilson_high('(access.clients_served - access.clients_beyond_25km)', 'access.clients_served', z) }} as ci_high
    from {{ ref('fct_access_by_fsa') }} as access
    cross join catalogue
    where catalogue.warehouse_measure = 'near_language_training'
      and access.stream_code = 'language_training'
      and access.breakdown = 'all'

),

cells as (

    select * from from_outcomes
    union all
    select * from reach
    union all
    select * from small_rural
    union all
    select * from near_language_training

),

final as (

    select
        indicator_code,
        '{{ var("indicator_region") }}' as geography_code,
        period,
        suppressed,
        case when not suppressed then denominator end::bigint as denominator,
        case when not suppressed then value end::double as value,
        case when not suppressed then ci_low end::double as ci_low,
        case when not suppressed then ci_high end::double as ci_high
    from cells

)

select * from final
