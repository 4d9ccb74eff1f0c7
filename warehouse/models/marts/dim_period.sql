-- One row per calendar quarter from the earliest to the latest quarter in the data (extracts,
-- service dates, funding and outcome periods), with no gaps, and the federal fiscal year
-- (April to March) it falls in.
with

quarters as (

    select reported_quarter as period from {{ ref('int_service_events') }}
    union
    select service_quarter from {{ ref('int_service_events') }}
    union
    select funding_quarter from {{ ref('stg_funding') }}
    union
    select period from {{ ref('int_outcome_records') }}

),

bounds as (

    select
        min(make_date(cast(left(period, 4) as integer), 3 * cast(right(period, 1) as integer) - 2, 1)) as first_start,
        max(make_date(cast(left(period, 4) as integer), 3 * cast(right(period, 1) as integer) - 2, 1)) as last_start
    from quarters
    where period is not null

),

series as (

    select cast(unnest(generate_series(first_start, last_start, interval 3 month)) as date) as start_date
    from bounds

),

final as (

    select
        {{ quarter_of('start_date') }} as period,
        cast(year(start_date) as integer) as year,
        cast(quarter(start_date) as integer) as quarter,
        start_date,
        cast(start_date + interval 3 month - interval 1 day as date) as end_date,
        -- April to March: January-March belong to the fiscal year that began the April before
        cast(year(start_date) - case when quarter(start_date) = 1 then 1 else 0 end as integer) as fiscal_start_year,
        case when quarter(start_date) = 1 then 4 else quarter(start_date) - 1 end as fiscal_quarter,
        cast(row_number() over (order by start_date) as integer) as period_index
    from series

)

select
    period,
    year,
    quarter,
    start_date,
    end_date,
    cast(fiscal_start_year as varchar) || '-' || right(cast(fiscal_start_year + 1 as varchar), 2) as fiscal_year,
    cast(fiscal_quarter as integer) as fiscal_quarter,
    period_index
from final
