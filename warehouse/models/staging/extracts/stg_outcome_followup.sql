with

source as (

    select * from {{ source('raw', 'outcome_followup') }} {{ where_new_uploads() }}

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
        followup_method.code as followup_method_code,
        employment_status.code as employment_status_code,
        job_matches_training.code as job_matches_training_code,
        sense_of_belonging.code as sense_of_belonging_code,
        satisfaction.code as satisfaction_code,

        ---------- numerics
        {{ to_integer('client_birth_year') }} as birth_year,

        ---------- booleans
        {{ yes_no_flag('has_people_to_turn_to_ind') }} as has_people_to_turn_to,
        {{ yes_no_flag('would_recommend_ind') }} as would_recommend,

        ---------- dates
        {{ to_date('followup_dt') }} as followup_date

    from source
    {{ join_code_value('followup_method', 'followup_method_id', 'followup_method') }}
    {{ join_code_value('employment_status', 'employment_status_id', 'followup_employment_status') }}
    {{ join_code_value('job_matches_training', 'job_matches_training_id', 'yes_no_na') }}
    {{ join_code_value('sense_of_belonging', 'sense_of_belonging_id', 'belonging_scale') }}
    {{ join_code_value('satisfaction', 'satisfaction_id', 'satisfaction_scale') }}

)

select * from renamed
