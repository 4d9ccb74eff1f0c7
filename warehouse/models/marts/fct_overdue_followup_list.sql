-- Clients whose follow-up is overdue: at least 365 days have passed since their first employment
-- service (the end of the "6 to 12 months" window employment_at_followup reads) and no follow-up
-- is recorded for them, at any agency, on or after that service.  Attributed, as the measure is,
-- to the agency of that first service, which reads its own rows on its page (docs/access.md).
-- One row per client, named by the record id of that service, client-level.
with

data_end as (

    select cast(max({{ quarter_end('reported_quarter') }}) as date) as last_day
    from {{ ref('int_service_events') }}

),

first_employment as (

    select agency_code, reported_quarter, record_id, client_key, service_date
    from {{ ref('stg_employment') }}
    qualify row_number() over (partition by client_key order by service_date, agency_code, record_id) = 1

)

select
    e.agency_code,
    e.reported_quarter,
    e.record_id,
    e.client_key,
    e.service_date as first_employment_date,
    cast(e.service_date + interval 365 day as date) as followup_due_date,
    cast(date_diff('day', cast(e.service_date + interval 365 day as date), d.last_day) as integer) as days_overdue,
    d.last_day as as_of_date
from first_employment as e
cross join data_end as d
where e.service_date + interval 365 day <= d.last_day
    and not exists (
        select 1
        from {{ ref('stg_outcome_followup') }} as f
        where f.client_key = e.client_key and f.followup_date >= e.service_date
    )
