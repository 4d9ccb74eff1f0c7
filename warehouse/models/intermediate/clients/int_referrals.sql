-- Referrals to a partner agency ("no wrong door") and whether a service in the referred
-- stream followed at the receiving agency within 90 days.
--
-- Kept by client: a build recomputes the clients its uploads touch (macros/client_partitions.sql,
-- configured for models/intermediate/clients/ in dbt_project.yml).
{%- set touched = touched_clients_only() %}
with

referrals as (

    select
        agency_code as referring_agency_code,
        reported_quarter,
        record_id,
        client_key,
        referral_agency_code as receiving_agency_code,
        referral_stream_code,
        referral_date
    from {{ for_clients(ref('stg_needs_assessment'), touched) }}
    where referral_agency_code is not null

),

data_end as (

    -- The last day of the latest quarter any extract reports.
    select max({{ quarter_end('reported_quarter') }}) as last_day
    from {{ ref('int_service_events') }}

),

stream_services as (

    -- A service answers a referral to its own stream; a language assessment also answers a
    -- referral to language training, since assessment is the way into training.
    select client_key, agency_code, service_date, stream_code as referral_stream_code
    from {{ for_clients(ref('int_service_events'), touched) }}
    union all
    select client_key, agency_code, service_date, 'language_training'
    from {{ for_clients(ref('int_service_events'), touched) }}
    where stream_code = 'language_assessment'

),

followed as (

    select
        r.referring_agency_code,
        r.reported_quarter,
        r.record_id,
        bool_or(
            s.service_date between r.referral_date + interval 1 day and r.referral_date + interval 90 day
        ) as completed_within_90_days,
        -- The first answer at any time, so that a referral still open after the partnership's
        -- number of days (fct_open_referral_list) is read from the same matching rule.
        min(s.service_date) filter (where s.service_date >= r.referral_date + interval 1 day) as first_answer_date
    from referrals as r
    left join stream_services as s
        on r.client_key = s.client_key
        and r.receiving_agency_code = s.agency_code
        and r.referral_stream_code = s.referral_stream_code
    group by all

)

select
    r.*,
    r.referring_agency_code = r.receiving_agency_code as is_same_agency,
    r.referral_date + interval 90 day <= d.last_day as is_window_closed,
    coalesce(f.completed_within_90_days, false) as completed_within_90_days,
    f.first_answer_date
from referrals as r
cross join data_end as d
left join followed as f
    -- record ids are unique only within one agency's extract for one quarter
    on r.referring_agency_code = f.referring_agency_code
    and r.reported_quarter = f.reported_quarter
    and r.record_id = f.record_id
