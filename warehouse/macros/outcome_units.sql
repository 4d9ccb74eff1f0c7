{#- The rows an outcome's unit is attributed by, one per client.  int_outcome_records counts the
    units and int_outcome_not_covered lists those it could count and does not: both read these,
    so that `eligible` is always the denominator's own population. -#}

{#- A client's first language assessment (the baseline of language gain). -#}
{% macro first_assessment(observations) -%}
    select *
    from {{ observations }}
    where observation_kind = 'assessment'
    qualify row_number() over (
        partition by client_key order by observation_date, agency_code, record_id
    ) = 1
{%- endmacro %}

{#- A client's last language observation (CLB 4+). -#}
{% macro last_observation(observations) -%}
    select *
    from {{ observations }}
    qualify row_number() over (
        partition by client_key order by observation_date desc, agency_code desc, record_id desc
    ) = 1
{%- endmacro %}

{#- A client's first employment service (its follow-up window opens 183 days after it). -#}
{% macro first_employment_service(employment) -%}
    select client_key, agency_code, service_date
    from {{ employment }}
    qualify row_number() over (partition by client_key order by service_date, agency_code, record_id) = 1
{%- endmacro %}

{#- A referral as a unit of referral completion (columns of int_referrals): its outcome (partners'
    referrals apart from an agency's referrals to itself), its id, client, agency and date. -#}
{% macro referral_unit_columns() -%}
    case when is_same_agency then 'internal_referral_completion_90d' else 'referral_completion_90d' end
        as outcome,
    referring_agency_code || '|' || reported_quarter || '|' || record_id as unit_id,
    client_key,
    referring_agency_code as agency_code,
    referral_date as outcome_date
{%- endmacro %}
