-- The arithmetic of the outputs, on every cell before suppression (int_output_cells):
--   * within a row: services = the six stream columns; enrolments + exits = language-training
--     services; the types of a module never exceed its services; referrals_made = partner-agency
--     referrals + need referral flags; no support count exceeds services; clients served never
--     exceed services;
--   * parts and totals: every additive column of an agency's program rows adds up to its 'ALL'
--     row, and of the agency rows to the region row (hours are rounded to two decimals per cell,
--     so within half a hundredth per part); clients served, distinct at every grain, lie between
--     the largest part and the sum of the parts;
--   * coverage: the region rows count every service record of int_service_events once, and
--     int_service_programs has exactly its rows.
-- Returns one row per broken rule and cell.
{% set additive = [
    'services', 'needs_assessment_services', 'information_orientation_services', 'employment_services',
    'community_connections_services', 'language_training_services', 'language_assessment_services',
    'orientation_one_on_one_services', 'orientation_family_services', 'orientation_group_services',
    'employment_long_term_services', 'employment_short_term_services', 'community_group_event_services',
    'community_matching_networking_services', 'language_training_enrolments', 'language_training_exits',
    'orientation_hours', 'employment_hours', 'community_connections_hours', 'language_training_hours',
    'partner_agency_referrals', 'need_referral_flags', 'referrals_made', 'received_support_services',
    'received_childminding', 'received_transportation', 'received_disability_support', 'received_translation',
    'received_interpretation', 'received_crisis_counselling',
] %}
with

cells as (

    select * from {{ ref('int_output_cells') }}

),

row_rules as (

    select agency_code, program_code, period, 'row arithmetic' as rule
    from cells
    where services <> needs_assessment_services + information_orientation_services + employment_services
            + community_connections_services + language_training_services + language_assessment_services
        or language_training_services <> language_training_enrolments + language_training_exits
        or orientation_one_on_one_services + orientation_family_services + orientation_group_services
            > information_orientation_services
        or employment_long_term_services + employment_short_term_services > employment_services
        or community_group_event_services + community_matching_networking_services > community_connections_services
        or referrals_made <> partner_agency_referrals + need_referral_flags
        or greatest(received_support_services, received_childminding, received_transportation,
                    received_disability_support, received_translation, received_interpretation,
                    received_crisis_counselling) > services
        or least(orientation_hours, employment_hours, community_connections_hours, language_training_hours) < 0
        or clients_served > services

),

parts as (

    -- each row with the total it is a part of
    select
        case when grain = 'program' then agency_code else 'ALL' end as total_agency_code,
        period,
        *
    from cells
    where grain in ('program', 'agency')

),

summed as (

    select
        total_agency_code,
        period,
        max(clients_served) as largest_part_clients,
        sum(clients_served) as summed_clients,
        count(*) as part_count,
        {% for column in additive %}
        sum({{ column }}) as {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from parts
    group by total_agency_code, period

),

total_rules as (

    select t.agency_code, t.program_code, t.period, 'parts do not add up to the total' as rule
    from cells as t
    inner join summed as s
        on s.total_agency_code = t.agency_code and s.period = t.period
    where t.program_code = 'ALL'
        and (
            {% for column in additive %}
            {% if column.endswith('_hours') %}
            abs(s.{{ column }} - t.{{ column }}) > 0.005 * s.part_count or
            {% else %}
            s.{{ column }} <> t.{{ column }} or
            {% endif %}
            {% endfor %}
            t.clients_served < s.largest_part_clients or t.clients_served > s.summed_clients
        )

),

coverage as (

    select 'ALL' as agency_code, 'ALL' as program_code, 'all' as period,
        'region rows do not count every service record once' as rule
    where (select sum(services) from cells where grain = 'region')
        <> (select count(*) from {{ ref('int_service_events') }})
        or (select count(*) from {{ ref('int_service_programs') }})
        <> (select count(*) from {{ ref('int_service_events') }})

)

select * from row_rules
union all select * from total_rules
union all select * from coverage
