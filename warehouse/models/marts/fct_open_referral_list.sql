-- Referrals still open: no service in the referred stream at the receiving agency by the end of
-- the data, at least var('referral_open_days') days after the referral (the partnership's
-- number, from the control database at build time).  One row per referral, client-level: the
-- agency that made it reads its own rows on its page, never another's (docs/access.md).
with

data_end as (

    -- The last day of the latest quarter any extract reports (as int_referrals).
    select cast(max({{ quarter_end('reported_quarter') }}) as date) as last_day
    from {{ ref('int_service_events') }}

)

select
    r.referring_agency_code as agency_code,
    r.reported_quarter,
    r.record_id,
    r.client_key,
    r.receiving_agency_code,
    r.referral_stream_code,
    r.referral_date,
    cast(date_diff('day', r.referral_date, d.last_day) as integer) as days_open,
    cast({{ var('referral_open_days') }} as integer) as open_after_days,
    d.last_day as as_of_date
from {{ ref('int_referrals') }} as r
cross join data_end as d
where r.first_answer_date is null
    and r.referral_date + to_days(cast({{ var('referral_open_days') }} as integer)) <= d.last_day
