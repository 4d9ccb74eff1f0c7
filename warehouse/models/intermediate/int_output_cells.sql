-- Outputs per agency x program x quarter, per agency x quarter (program_code 'ALL') and per
-- quarter for the region (agency_code and program_code 'ALL'), before disclosure control.
-- fct_outputs publishes these with suppression; fct_outputs.yml defines every measure.
{% set streams = [
    'needs_assessment', 'information_orientation', 'employment', 'community_connections',
    'language_training', 'language_assessment',
] %}
{% set types = [
    ('orientation_one_on_one_services', 'stg_info_orientation', 'one_on_one_orientation'),
    ('orientation_family_services', 'stg_info_orientation', 'family_orientation'),
    ('orientation_group_services', 'stg_info_orientation', 'group_orientation'),
    ('employment_long_term_services', 'stg_employment', 'long_term'),
    ('employment_short_term_services', 'stg_employment', 'short_term'),
    ('community_group_event_services', 'stg_community_connections', 'community_based_group_events_and_activities'),
    ('community_matching_networking_services', 'stg_community_connections', 'targeted_matching_and_networking'),
] %}
{% set hours = [
    ('orientation_hours', 'stg_info_orientation'),
    ('employment_hours', 'stg_employment'),
    ('community_connections_hours', 'stg_community_connections'),
] %}
{% set supports = [
    'support_services', 'childminding', 'transportation', 'disability_support', 'translation',
    'interpretation', 'crisis_counselling',
] %}
{% set grouping = "grouping sets ((agency_code, program_code, period), (agency_code, period), (period))" %}
with

services as (

    select * from {{ ref('int_service_programs') }}

),

training as (

    select * from {{ ref('int_language_training_hours') }}

),

funded as (

    -- Program quarters with funding get a row even without services.
    select p.agency_code, f.program_code, f.funding_quarter as period
    from {{ ref('stg_funding') }} as f
    inner join {{ ref('stg_programs') }} as p on p.program_code = f.program_code

),

program_cells as (

    select agency_code, program_code, period from services
    union
    select agency_code, program_code, period from training
    union
    select agency_code, program_code, period from funded

),

cells as (

    select agency_code, program_code, period from program_cells
    union
    select agency_code, 'ALL', period from program_cells
    union
    select 'ALL', 'ALL', period from program_cells

),

service_counts as (

    select
        coalesce(agency_code, 'ALL') as agency_code,
        coalesce(program_code, 'ALL') as program_code,
        period,
        count(distinct client_key) as clients_served,
        count(*) as services,
        {% for stream in streams %}
        count(*) filter (where stream_code = '{{ stream }}') as {{ stream }}_services,
        {% endfor %}
        {% for column, model, code in types %}
        count(*) filter (where source_model = '{{ model }}' and service_type_code = '{{ code }}') as {{ column }},
        {% endfor %}
        count(*) filter (where source_model = 'stg_lt_client_enrol') as language_training_enrolments,
        count(*) filter (where source_model = 'stg_lt_client_exit') as language_training_exits,
        {% for column, model in hours %}
        coalesce(sum(service_minutes) filter (where source_model = '{{ model }}'), 0) as {{ column.replace('hours', 'minutes') }},
        {% endfor %}
        cast(sum(partner_agency_referrals) as bigint) as partner_agency_referrals,
        cast(sum(need_referral_flags) as bigint) as need_referral_flags,
        {% for support in supports %}
        count(*) filter (where received_{{ support }}) as received_{{ support }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from services
    group by {{ grouping }}

),

training_hours as (

    select
        coalesce(agency_code, 'ALL') as agency_code,
        coalesce(program_code, 'ALL') as program_code,
        period,
        -- summed exactly (hours per class has two decimals), divided by 7 once, then rounded
        sum(instructional_hours_per_class * classes_per_week * attended_days) as hour_days
    from training
    group by {{ grouping }}

)

select
    c.agency_code,
    c.program_code,
    c.period,
    case
        when c.agency_code = 'ALL' then 'region'
        when c.program_code = 'ALL' then 'agency'
        else 'program'
    end as grain,
    coalesce(s.clients_served, 0) as clients_served,
    coalesce(s.services, 0) as services,
    {% for stream in streams %}
    coalesce(s.{{ stream }}_services, 0) as {{ stream }}_services,
    {% endfor %}
    {% for column, model, code in types %}
    coalesce(s.{{ column }}, 0) as {{ column }},
    {% endfor %}
    coalesce(s.language_training_enrolments, 0) as language_training_enrolments,
    coalesce(s.language_training_exits, 0) as language_training_exits,
    {% for column, model in hours %}
    cast(round(coalesce(s.{{ column.replace('hours', 'minutes') }}, 0) / 60.0, 2) as decimal(18, 2)) as {{ column }},
    {% endfor %}
    cast(round(coalesce(t.hour_days, 0) / 7.0, 2) as decimal(18, 2)) as language_training_hours,
    coalesce(s.partner_agency_referrals, 0) as partner_agency_referrals,
    coalesce(s.need_referral_flags, 0) as need_referral_flags,
    coalesce(s.partner_agency_referrals, 0) + coalesce(s.need_referral_flags, 0) as referrals_made,
    {% for support in supports %}
    coalesce(s.received_{{ support }}, 0) as received_{{ support }}{% if not loop.last %},{% endif %}
    {% endfor %}
from cells as c
left join service_counts as s
    on s.agency_code = c.agency_code and s.program_code = c.program_code and s.period = c.period
left join training_hours as t
    on t.agency_code = c.agency_code and t.program_code = c.program_code and t.period = c.period
