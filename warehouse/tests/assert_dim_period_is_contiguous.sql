-- dim_period is a gapless run of calendar quarters: each quarter starts the day after the
-- previous one ends, spans three months, is named after its start, and sits in the fiscal year
-- (April to March) of its start date.
with

periods as (

    select
        *,
        lag(end_date) over (order by period_index) as previous_end,
        first_value(start_date) over (order by period_index) as first_start
    from {{ ref('dim_period') }}

)

select *
from periods
where (previous_end is not null and start_date <> previous_end + interval 1 day)
    or start_date <> first_start + to_months(3 * (period_index - 1))
    or end_date <> start_date + interval 3 month - interval 1 day
    or period <> {{ quarter_of('start_date') }}
    or fiscal_year <> cast(year(start_date + interval 9 month) - 1 as varchar)
        || '-' || right(cast(year(start_date + interval 9 month) as varchar), 2)
