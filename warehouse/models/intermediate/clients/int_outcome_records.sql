-- One row per unit an outcome counts (a client, or a referral), with the agency and quarter
-- it is attributed to and whether it meets the outcome.  docs/measures.md defines each.
{% set skills = ['listening', 'speaking', 'reading', 'writing'] %}
--
-- Kept by client: a build recomputes the clients its uploads touch (macros/client_partitions.sql,
-- configured for models/intermediate/clients/ in dbt_project.yml).
{%- set touched = touched_clients_only() %}
with

observations as (

    select * from {{ for_clients(ref('int_language_observations'), touched) }}

),

first_assessment as (

    {{ first_assessment('observations') }}

),

last_after_90_days as (

    select later.*
    from observations as later
    inner join first_assessment as first
        on later.client_key = first.client_key
        and later.observation_date >= first.observation_date + interval 90 day
    qualify row_number() over (
        partition by later.client_key
        order by later.observation_date desc, later.agency_code desc, later.record_id desc
    ) = 1

),

language_pairs as (

    select
        first.client_key,
        last.agency_code,
        last.observation_date,
        {% for skill in skills %}
        first.{{ skill }}_clb_level is not null and last.{{ skill }}_clb_level is not null
            as {{ skill }}_comparable,
        coalesce(last.{{ skill }}_clb_level > first.{{ skill }}_clb_level, false) as {{ skill }}_gained,
        {% endfor %}
    from first_assessment as first
    inner join last_after_90_days as last
        on first.client_key = last.client_key

),

language_gain as (

    {% for skill in skills %}
    select
        'language_gain_{{ skill }}' as outcome,
        client_key as unit_id,
        client_key,
        agency_code,
        observation_date as outcome_date,
        {{ skill }}_gained as is_met
    from language_pairs
    where {{ skill }}_comparable
    union all
    {% endfor %}
    select
        'language_gain_any',
        client_key,
        client_key,
        agency_code,
        observation_date,
        {% for skill in skills %}{{ skill }}_gained{% if not loop.last %} or {% endif %}{% endfor %}
    from language_pairs
    where {% for skill in skills %}{{ skill }}_comparable{% if not loop.last %} or {% endif %}{% endfor %}

),

last_observation as (

    {{ last_observation('observations') }}

),

clb4 as (

    select
        'clb4_speaking_listening' as outcome,
        client_key as unit_id,
        client_key,
        agency_code,
        observation_date as outcome_date,
        speaking_clb_level >= 4 and listening_clb_level >= 4 as is_met
    from last_observation
    where speaking_clb_level >= 1 and listening_clb_level >= 1

),

first_employment_service as (

    {{ first_employment_service(for_clients(ref('stg_employment'), touched)) }}

),

employment_followup as (

    select
        f.client_key,
        e.agency_code,
        f.followup_date,
        f.employment_status_code in ('employed_full_time', 'employed_part_time', 'self_employed') as is_employed,
        f.job_matches_training_code = 'yes' as matches_training
    from {{ for_clients(ref('stg_outcome_followup'), touched) }} as f
    inner join first_employment_service as e
        on f.client_key = e.client_key
        and f.followup_date between e.service_date + interval 183 day and e.service_date + interval 365 day
    qualify row_number() over (
        partition by f.client_key order by f.followup_date, f.agency_code, f.record_id
    ) = 1

),

employment as (

    select 'employment_at_followup' as outcome, client_key as unit_id, client_key, agency_code,
        followup_date as outcome_date, is_employed as is_met
    from employment_followup
    union all
    select 'employment_matching_training', client_key, client_key, agency_code, followup_date,
        is_employed and coalesce(matches_training, false)
    from employment_followup

),

belonging as (

    select
        'sense_of_belonging' as outcome,
        client_key as unit_id,
        client_key,
        agency_code,
        followup_date as outcome_date,
        sense_of_belonging_code in ('very_strong', 'somewhat_strong') as is_met
    from {{ for_clients(ref('stg_outcome_followup'), touched) }}
    where sense_of_belonging_code is not null and sense_of_belonging_code <> 'no_answer'
    qualify row_number() over (partition by client_key order by followup_date, agency_code, record_id) = 1

),

referral as (

    {# "No wrong door" is about partners: a referral an agency makes to itself is counted apart. #}
    select
        {{ referral_unit_columns() }},
        completed_within_90_days as is_met
    from {{ for_clients(ref('int_referrals'), touched) }}
    where is_window_closed

),

needs_closed as (

    select * from {{ for_clients(ref('int_needs_named'), touched) }}
    where is_window_closed

),

needs_met as (

    {# A unit is a need named: a client who named three needs counts three times in
       needs_met, once in each needs_met_<need>, and once in needs_all_met. #}
    select
        'needs_met' as outcome,
        client_key || '|' || need as unit_id,
        client_key,
        agency_code,
        assessment_date as outcome_date,
        is_met
    from needs_closed
    union all
    select 'needs_met_' || need, client_key, client_key, agency_code, assessment_date, is_met
    from needs_closed
    union all
    {# All of a client's needs (whose windows have closed), attributed to the assessment that
       named the first of them. #}
    select
        'needs_all_met',
        client_key,
        client_key,
        agency_code,
        assessment_date,
        bool_and(is_met) over (partition by client_key)
    from needs_closed
    qualify row_number() over (partition by client_key order by assessment_date, agency_code, record_id, need) = 1

),

{# Client voice: each client's first follow-up that answers the question (as belonging). #}
{% set voice = [
    ('satisfied_with_services', "satisfaction_code in ('very_satisfied', 'satisfied')", 'satisfaction_code'),
    ('would_recommend', 'would_recommend', 'would_recommend'),
    ('has_people_to_turn_to', 'has_people_to_turn_to', 'has_people_to_turn_to'),
] %}
voice as (

    {% for outcome, met, answered in voice %}
    select
        '{{ outcome }}' as outcome,
        client_key as unit_id,
        client_key,
        agency_code,
        followup_date as outcome_date,
        {{ met }} as is_met
    from {{ for_clients(ref('stg_outcome_followup'), touched) }}
    where {{ answered }} is not null
    qualify row_number() over (partition by client_key order by followup_date, agency_code, record_id) = 1
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

francophone_services as (

    select *, service_language_code = 'french' as in_french
    from {{ for_clients(ref('int_service_languages'), touched) }}
    where is_francophone

),

served_in_french as (

    {# Per stream and overall: all the client's services in French, attributed to the agency
       and quarter of the first of them. #}
    select
        'served_in_french_' || stream_code as outcome,
        client_key as unit_id,
        client_key,
        agency_code,
        service_date as outcome_date,
        bool_and(in_french) over (partition by client_key, stream_code) as is_met
    from francophone_services
    qualify row_number() over (
        partition by client_key, stream_code order by service_date, agency_code, record_id
    ) = 1
    union all
    select
        'served_in_french',
        client_key,
        client_key,
        agency_code,
        service_date,
        bool_and(in_french) over (partition by client_key)
    from francophone_services
    qualify row_number() over (
        partition by client_key order by service_date, agency_code, stream_code, record_id
    ) = 1

),

records as (

    select * from language_gain
    union all select * from clb4
    union all select * from employment
    union all select * from belonging
    union all select * from referral
    union all select * from needs_met
    union all select * from voice
    union all select * from served_in_french

)

select
    *,
    {{ quarter_of('outcome_date') }} as period
from records
