-- A published fct_outputs row has every number and at least the threshold of clients; a
-- suppressed row has none (var suppression_threshold).
{% set columns = [
    'clients_served', 'services', 'needs_assessment_services', 'information_orientation_services',
    'employment_services', 'community_connections_services', 'language_training_services',
    'language_assessment_services', 'orientation_one_on_one_services', 'orientation_family_services',
    'orientation_group_services', 'employment_long_term_services', 'employment_short_term_services',
    'community_group_event_services', 'community_matching_networking_services', 'language_training_enrolments',
    'language_training_exits', 'partner_agency_referrals', 'need_referral_flags', 'referrals_made',
    'received_support_services', 'received_childminding', 'received_transportation',
    'received_disability_support', 'received_translation', 'received_interpretation',
    'received_crisis_counselling', 'orientation_hours', 'employment_hours', 'community_connections_hours',
    'language_training_hours',
] %}
select agency_code, program_code, period, suppressed, clients_served
from {{ ref('fct_outputs') }}
where (suppressed and coalesce({% for c in columns %}{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}) is not null)
    or (not suppressed and (clients_served < {{ var('suppression_threshold') }}
        {% for c in columns %}or {{ c }} is null {% endfor %}))
