-- Outputs (clients served, services by stream and type, hours, referrals, support services)
-- per agency x program x quarter, with agency totals (program_code 'ALL') and region totals
-- (agency_code 'ALL'), under disclosure control.  fct_outputs.yml defines every column.
{% set threshold = var('suppression_threshold') %}
{% set counts = [
    'clients_served', 'services',
    'needs_assessment_services', 'information_orientation_services', 'employment_services',
    'community_connections_services', 'language_training_services', 'language_assessment_services',
    'orientation_one_on_one_services', 'orientation_family_services', 'orientation_group_services',
    'employment_long_term_services', 'employment_short_term_services',
    'community_group_event_services', 'community_matching_networking_services',
    'language_training_enrolments', 'language_training_exits',
    'partner_agency_referrals', 'need_referral_flags', 'referrals_made',
    'received_support_services', 'received_childminding', 'received_transportation',
    'received_disability_support', 'received_translation', 'received_interpretation',
    'received_crisis_counselling',
] %}
{% set hours = ['orientation_hours', 'employment_hours', 'community_connections_hours', 'language_training_hours'] %}
with

cells as (

    select * from {{ ref('int_output_cells') }}

),

primary_suppression as (

    select
        *,
        clients_served < {{ threshold }} as suppressed
    from cells

),

{# Complementary suppression.  The services, hours, referrals and support counts of an
   agency's program rows add up to its 'ALL' row, and the agencies' 'ALL' rows add up to the
   region's: within each such group (a total and its parts) one suppressed cell could be
   recovered by subtraction, so where a group has exactly one, the unsuppressed part with the
   fewest clients (or, failing a part, the total) is suppressed too.  Rounds repeat this
   until nothing changes in practice; tests/assert_no_lone_suppressed_output_cell.sql checks
   that no group is left with a single suppressed cell. #}
{% set previous = namespace(name='primary_suppression') %}
{% for round in range(1, 6) %}
{% for pass, partition, member, is_total in [
    ('programs', 'agency_code, period', "agency_code <> 'ALL'", "program_code = 'ALL'"),
    ('agencies', 'period', "program_code = 'ALL'", "agency_code = 'ALL'"),
] %}
round_{{ round }}_{{ pass }} as (

    select
        * exclude (suppressed, group_suppressed, group_cells, candidate_rank),
        suppressed
            or (({{ member }}) and group_suppressed = 1 and group_cells > 1 and candidate_rank = 1)
            as suppressed
    from (
        select
            *,
            sum(case when suppressed then 1 else 0 end) over (partition by {{ partition }}, ({{ member }}))
                as group_suppressed,
            count(*) over (partition by {{ partition }}, ({{ member }})) as group_cells,
            row_number() over (
                partition by {{ partition }}, ({{ member }})
                order by suppressed, ({{ is_total }}), clients_served, agency_code, program_code
            ) as candidate_rank
        from {{ previous.name }}
    )

),
{% set previous.name = 'round_' ~ round ~ '_' ~ pass %}
{% endfor %}
{% endfor %}

final as (

    select
        agency_code,
        program_code,
        period,
        grain,
        suppressed,
        {% for column in counts %}
        cast(case when not suppressed then {{ column }} end as bigint) as {{ column }},
        {% endfor %}
        {% for column in hours %}
        cast(case when not suppressed then {{ column }} end as decimal(18, 2)) as {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from {{ previous.name }}

)

select * from final
