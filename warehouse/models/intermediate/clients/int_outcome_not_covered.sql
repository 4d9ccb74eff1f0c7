-- One row per unit an outcome could speak for but does not count (its eligible population
-- minus its denominator): a client whose follow-up window opened with no follow-up in it, a
-- client assessed once, a referral whose window is still open.  int_outcome_cells adds them
-- to the denominator to give `eligible`.  docs/measures.md gives each eligible population.
--
-- Kept by client: a build recomputes the clients its uploads touch (macros/client_partitions.sql,
-- configured for models/intermediate/clients/ in dbt_project.yml).
{%- set touched = touched_clients_only() %}
{% set skills = ['listening', 'speaking', 'reading', 'writing'] %}
with

counted as (

    select outcome, unit_id from {{ for_clients(ref('int_outcome_records'), touched) }}

),

data_end as (

    -- The last day of the latest quarter any extract reports (as int_referrals).
    select max({{ quarter_end('reported_quarter') }}) as last_day
    from {{ ref('int_service_events') }}

),

observations as (

    select * from {{ for_clients(ref('int_language_observations'), touched) }}

),

first_assessment as (

    {{ first_assessment('observations') }}

),

{# Language gain could speak for every client whose first assessment has a level in the skill
   (in any skill, for language_gain_any); one with no later observation is attributed to the
   agency and quarter of that first assessment. #}
language_eligible as (

    {% for skill in skills %}
    select 'language_gain_{{ skill }}' as outcome, client_key, agency_code, observation_date as outcome_date
    from first_assessment
    where {{ skill }}_clb_level is not null
    union all
    {% endfor %}
    select 'language_gain_any', client_key, agency_code, observation_date
    from first_assessment
    where {% for skill in skills %}{{ skill }}_clb_level is not null{% if not loop.last %} or {% endif %}{% endfor %}

),

{# CLB 4+ could speak for every client with a language observation, at their last one. #}
clb4_eligible as (

    select 'clb4_speaking_listening' as outcome, client_key, agency_code, observation_date as outcome_date
    from ({{ last_observation('observations') }})

),

{# Employment could speak for every client whose first employment service is at least 183
   days before the end of the data: the window of their follow-up has opened.  One without a
   follow-up in it is attributed to the agency of that service and the quarter the window
   opened. #}
employment_eligible as (

    select
        outcome,
        e.client_key,
        e.agency_code,
        e.service_date + interval 183 day as outcome_date
    from ({{ first_employment_service(for_clients(ref('stg_employment'), touched)) }}) as e
    cross join data_end as d
    cross join (select unnest(['employment_at_followup', 'employment_matching_training']) as outcome)
    where e.service_date + interval 183 day <= d.last_day

),

{# Sense of belonging could speak for every client first served at least 183 days before the
   end of the data (a follow-up some months after service could have reached them); one
   without an answered follow-up is attributed to the agency of the first service and the
   quarter 183 days after it. #}
belonging_eligible as (

    select
        'sense_of_belonging' as outcome,
        s.client_key,
        s.first_agency_code as agency_code,
        s.first_service_date + interval 183 day as outcome_date
    from {{ for_clients(ref('int_client_spine'), touched) }} as s
    cross join data_end as d
    where s.first_service_date + interval 183 day <= d.last_day

),

{# Referral completion could speak for every referral made; one whose 90-day window is still
   open stays in the agency and quarter of the referral. #}
referral_eligible as (

    select
        {{ referral_unit_columns() }}
    from {{ for_clients(ref('int_referrals'), touched) }}

),

eligible as (

    select outcome, client_key as unit_id, client_key, agency_code, outcome_date
    from (
        select * from language_eligible
        union all select * from clb4_eligible
        union all select * from employment_eligible
        union all select * from belonging_eligible
    )
    union all
    select * from referral_eligible

)

select
    e.outcome,
    e.unit_id,
    e.client_key,
    e.agency_code,
    e.outcome_date,
    {{ quarter_of('e.outcome_date') }} as period
from eligible as e
anti join counted as c
    on e.outcome = c.outcome
    and e.unit_id = c.unit_id
