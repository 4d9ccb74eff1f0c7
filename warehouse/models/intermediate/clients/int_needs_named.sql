-- One row per need a client named at a needs assessment (at the first assessment that names
-- it), and whether it was met within 180 days: by a service in a stream that serves it
-- (seed need_streams) at any agency, or, for a need no stream serves, by a referral for it.
-- docs/measures.md, "Needs met", states the rule.
--
-- Kept by client: a build recomputes the clients its uploads touch (macros/client_partitions.sql,
-- configured for models/intermediate/clients/ in dbt_project.yml).
{%- set touched = touched_clients_only() %}
{% set needs = assessed_needs() %}
{% set window_days = 180 %}
with

named as (

    {% for need in needs %}
    select
        '{{ need }}' as need,
        client_key,
        agency_code,
        reported_quarter,
        record_id,
        service_date as assessment_date
    from {{ for_clients(ref('stg_needs_assessment'), touched) }}
    where needs_{{ need }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

first_named as (

    select *
    from named
    qualify row_number() over (
        partition by client_key, need order by assessment_date, agency_code, record_id
    ) = 1

),

referred as (

    {% for need in needs %}
    select '{{ need }}' as need, client_key, service_date as referral_date
    from {{ for_clients(ref('stg_needs_assessment'), touched) }}
    where referred_{{ need }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

need_streams as (

    select need, stream_code from {{ ref('need_streams') }}

),

-- No wrong door: a service at any agency counts, not only at the assessing one.
met_by_service as (

    select f.client_key, f.need
    from first_named as f
    inner join need_streams as m
        on f.need = m.need
    inner join {{ for_clients(ref('int_service_events'), touched) }} as e
        on f.client_key = e.client_key
        and m.stream_code = e.stream_code
        and e.service_date between f.assessment_date and f.assessment_date + interval {{ window_days }} day
    group by all

),

-- The extract cannot see a service outside the partnership: a need no stream serves is met
-- by the referral made for it.
met_by_referral as (

    select f.client_key, f.need
    from first_named as f
    inner join need_streams as m
        on f.need = m.need
        and m.stream_code is null
    inner join referred as r
        on f.client_key = r.client_key
        and f.need = r.need
        and r.referral_date between f.assessment_date and f.assessment_date + interval {{ window_days }} day
    group by all

),

data_end as (

    -- The last day of the latest quarter any extract reports.
    select max({{ quarter_end('reported_quarter') }}) as last_day
    from {{ ref('int_service_events') }}

)

select
    f.need,
    f.client_key,
    f.agency_code,
    f.reported_quarter,
    f.record_id,
    f.assessment_date,
    {{ quarter_of('f.assessment_date') }} as assessment_quarter,
    f.assessment_date + interval {{ window_days }} day <= d.last_day as is_window_closed,
    s.client_key is not null or r.client_key is not null as is_met,
    case when s.client_key is not null then 'service' when r.client_key is not null then 'referral' end as met_by
from first_named as f
cross join data_end as d
left join met_by_service as s
    on f.client_key = s.client_key
    and f.need = s.need
left join met_by_referral as r
    on f.client_key = r.client_key
    and f.need = r.need
