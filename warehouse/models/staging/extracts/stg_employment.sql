with

source as (

    select * from {{ source('raw', 'employment') }} {{ where_new_uploads() }}

),

renamed as (

    select
        ---------- ids
        record_id,
        client_key,
        agency_cd as agency_code,
        quarter as reported_quarter,
        upload_id,
        row_number,

        ---------- strings
        {{ blank_as_null('postal_fsa') }} as service_fsa,
        service_language.code as service_language_code,
        official_language.code as official_language_code,
        institution_type.code as institution_type_code,
        referred_by.code as referred_by_code,
        intake_employment_status.code as intake_employment_status_code,
        education_status.code as education_status_code,
        intended_occupation.code as intended_occupation_code,
        intervention_type.code as intervention_type_code,
        long_term_intervention.code as long_term_intervention_code,
        intervention_status.code as intervention_status_code,
        intervention_leave_reason.code as intervention_leave_reason_code,
        short_term_service.code as short_term_service_code,

        ---------- numerics
        {{ to_integer('client_birth_year') }} as birth_year,
        {{ duration_minutes('complete_hours_spent_no', 'complete_minutes_spent_no') }} as time_spent_minutes,
        {{ duration_hours('complete_hours_spent_no', 'complete_minutes_spent_no') }} as time_spent_hours,

        ---------- booleans
        -- support services
        {{ support_service_flags() }},

        ---------- dates
        coalesce({{ to_date('intervention_start_dt') }}, {{ to_date('"short_term_service[1]entry_dt"') }}) as service_date,
        {{ to_date('intervention_start_dt') }} as intervention_start_date,
        {{ to_date('intervention_end_dt') }} as intervention_end_date,
        {{ to_date('"short_term_service[1]entry_dt"') }} as short_term_service_date

    from source
    {{ join_code_value('service_language', 'session_service_lang_id', 'language') }}
    {{ join_code_value('official_language', 'session_official_lang_id', 'official_language') }}
    {{ join_code_value('institution_type', 'institution_type_id', 'institution_type') }}
    {{ join_code_value('referred_by', 'assessment_referral_id', 'referred_by') }}
    {{ join_code_value('intake_employment_status', 'session_employment_status_id', 'employment_status') }}
    {{ join_code_value('education_status', 'session_education_status_id', 'education_status') }}
    {{ join_code_value('intended_occupation', 'session_intended_occupation_id', 'occupation') }}
    {{ join_code_value('intervention_type', 'intervention_type_id', 'intervention_type') }}
    {{ join_code_value('long_term_intervention', 'intervention_received_id', 'lt_intervention') }}
    {{ join_code_value('intervention_status', 'intervention_status_id', 'intervention_status') }}
    {{ join_code_value('intervention_leave_reason', 'intervention_leave_reason_id', 'intervention_leave_reason') }}
    {{ join_code_value('short_term_service', '"short_term_service[1]service_received_id"', 'st_intervention') }}

)

select * from renamed
