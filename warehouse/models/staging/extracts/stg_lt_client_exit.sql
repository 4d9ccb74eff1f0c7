with

source as (

    select * from {{ source('raw', 'lt_client_exit') }} {{ where_new_uploads() }}

),

renamed as (

    select
        ---------- ids
        record_id,
        client_key,
        course_cd as course_code,
        agency_cd as agency_code,
        quarter as reported_quarter,
        upload_id,
        row_number,

        ---------- strings
        {{ blank_as_null('postal_fsa') }} as service_fsa,
        training_status.code as training_status_code,
        exit_reason.code as exit_reason_code,
        listening_clb.code as listening_clb_code,
        listening_clb.level_kind as listening_clb_kind,
        speaking_clb.code as speaking_clb_code,
        speaking_clb.level_kind as speaking_clb_kind,
        reading_clb.code as reading_clb_code,
        reading_clb.level_kind as reading_clb_kind,
        writing_clb.code as writing_clb_code,
        writing_clb.level_kind as writing_clb_kind,
        certificate_listening_clb.code as certificate_listening_clb_code,
        certificate_listening_clb.level_kind as certificate_listening_clb_kind,
        certificate_speaking_clb.code as certificate_speaking_clb_code,
        certificate_speaking_clb.level_kind as certificate_speaking_clb_kind,

        ---------- numerics
        {{ to_integer('client_birth_year') }} as birth_year,
        {{ clb_level('listening_clb') }} as listening_clb_level,
        {{ clb_level('speaking_clb') }} as speaking_clb_level,
        {{ clb_level('reading_clb') }} as reading_clb_level,
        {{ clb_level('writing_clb') }} as writing_clb_level,
        {{ clb_level('certificate_listening_clb') }} as certificate_listening_clb_level,
        {{ clb_level('certificate_speaking_clb') }} as certificate_speaking_clb_level,

        ---------- booleans
        {{ yes_no_flag('certificate_issued_ind') }} as is_certificate_issued,

        -- support services
        {{ support_service_flags() }},

        ---------- dates
        {{ to_date('exit_course_dt') }} as service_date

    from source
    {{ join_code_value('training_status', 'training_status_id', 'training_status') }}
    {{ join_code_value('exit_reason', 'exit_course_reason_id', 'course_exit_reason') }}
    {{ join_clb_level('listening_clb', 'listening_CLB_level_id', 'clb_listening_speaking') }}
    {{ join_clb_level('speaking_clb', 'speaking_CLB_level_id', 'clb_listening_speaking') }}
    {{ join_clb_level('reading_clb', 'reading_CLB_level_id', 'clb_reading_writing') }}
    {{ join_clb_level('writing_clb', 'writing_CLB_level_id', 'clb_reading_writing') }}
    {{ join_clb_level('certificate_listening_clb', 'certificate_listening_level_id', 'clb_listening_speaking') }}
    {{ join_clb_level('certificate_speaking_clb', 'certificate_speaking_level_id', 'clb_listening_speaking') }}

)

select * from renamed
