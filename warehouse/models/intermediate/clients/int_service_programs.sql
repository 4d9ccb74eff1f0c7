-- Every service record of int_service_events with the program it counts toward and what
-- fct_outputs adds up: its type (where the module has one), its length, the referrals it
-- carries and the support services received with it.  One row per service record.
--
-- Kept by client: a build recomputes the clients its uploads touch (macros/client_partitions.sql,
-- configured for models/intermediate/clients/ in dbt_project.yml).
{%- set touched = touched_clients_only() %}
{% set referral_flags = assessed_needs() %}
{% set supports = [
    'support_services', 'childminding', 'transportation', 'disability_support', 'translation',
    'interpretation', 'crisis_counselling',
] %}
{% set modules = [
    ('stg_needs_assessment', 'null', 'null'),
    ('stg_info_orientation', 'orientation_service_code', 'orientation_minutes'),
    ('stg_employment', 'intervention_type_code', 'time_spent_minutes'),
    ('stg_community_connections', 'activity_code', 'service_minutes'),
    ('stg_lt_client_enrol', 'null', 'null'),
    ('stg_lt_client_exit', 'null', 'null'),
] %}
with

events as (

    select * from {{ for_clients(ref('int_service_events'), touched) }}

),

details as (

    {% for model, type_column, minutes_column in modules %}
    select
        '{{ model }}' as source_model,
        agency_code,
        reported_quarter,
        record_id,
        cast({{ type_column }} as varchar) as service_type_code,
        cast({{ minutes_column }} as integer) as service_minutes,
        {% if model == 'stg_needs_assessment' %}
        cast(referral_agency_code is not null as integer) as partner_agency_referrals,
        {% for flag in referral_flags %}
        cast(coalesce(referred_{{ flag }}, false) as integer){% if not loop.last %} +{% endif %}
        {% endfor %}
            as need_referral_flags,
        {% else %}
        0 as partner_agency_referrals,
        0 as need_referral_flags,
        {% endif %}
        {% for support in supports %}
        coalesce(received_{{ support }}, false) as received_{{ support }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from {{ for_clients(ref(model), touched) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select
    e.source_model,
    e.stream_code,
    e.record_id,
    e.client_key,
    e.agency_code,
    e.reported_quarter,
    e.service_date,
    e.service_quarter as period,
    coalesce(p.program_code, 'UNASSIGNED') as program_code,
    d.service_type_code,
    d.service_minutes,
    coalesce(d.partner_agency_referrals, 0) as partner_agency_referrals,
    coalesce(d.need_referral_flags, 0) as need_referral_flags,
    {% for support in supports %}
    coalesce(d.received_{{ support }}, false) as received_{{ support }}{% if not loop.last %},{% endif %}
    {% endfor %}
from events as e
left join {{ ref('int_stream_programs') }} as p
    on p.agency_code = e.agency_code and p.stream_code = e.stream_code
left join details as d
    on d.source_model = e.source_model
    and d.agency_code = e.agency_code
    and d.reported_quarter = e.reported_quarter
    and d.record_id = e.record_id
