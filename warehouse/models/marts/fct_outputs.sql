-- Outputs (clients served, services by stream and type, hours, referrals, support services)
-- per agency x program x quarter, with agency totals (program_code 'ALL') and region totals
-- (agency_code 'ALL'), under disclosure control.  fct_outputs.yml defines every column.
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

controlled_cells as (

    select
        row_number() over () as cell_id,
        *,
        {{ primary_suppression('clients_served') }} as suppressed
    from cells

),

{# The groups whose parts add up to a published total: an agency's program rows add up to
   its 'ALL' row (programs), and the agencies' 'ALL' rows to the region's (agencies). #}
memberships as (

    select cell_id, 'programs' as family, concat_ws(chr(31), agency_code, period) as group_id,
        program_code = 'ALL' as is_total
    from controlled_cells
    where agency_code <> 'ALL'
    union all
    select cell_id, 'agencies', period, agency_code = 'ALL'
    from controlled_cells
    where program_code = 'ALL'

),

{# The written order: in each round, programs, then agencies; in a group, parts before the
   total, then the fewest clients served, then by agency and program. #}
controlled as (

    {{ complementary_suppression(
        'controlled_cells', 'memberships', ['programs', 'agencies'],
        order_by='is_total, clients_served, agency_code, program_code', rounds=5) }}

),

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
    from controlled

)

select * from final
