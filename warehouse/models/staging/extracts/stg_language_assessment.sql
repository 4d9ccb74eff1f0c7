with

source as (

    select * from {{ source('raw', 'language_assessment') }} {{ where_new_uploads() }}

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
        assessment_type.code as assessment_type_code,
        listening_clb.code as listening_clb_code,
        listening_clb.level_kind as listening_clb_kind,
        speaking_clb.code as speaking_clb_code,
        speaking_clb.level_kind as speaking_clb_kind,
        reading_clb.code as reading_clb_code,
        reading_clb.level_kind as reading_clb_kind,
        writing_clb.code as writing_clb_code,
        writing_clb.level_kind as writing_clb_kind,

        ---------- numerics
        {{ to_integer('client_birth_year') }} as birth_year,
        {{ clb_level('listening_clb') }} as listening_clb_level,
        {{ clb_level('speaking_clb') }} as speaking_clb_level,
        {{ clb_level('reading_clb') }} as reading_clb_level,
        {{ clb_level('writing_clb') }} as writing_clb_level,

        ---------- dates
        {{ to_date('assessment_dt') }} as service_date

    from source
    {{ join_code_value('assessment_type', 'assessment_type_id', 'language_assessment_type') }}
    {{ join_clb_level('listening_clb', 'listening_CLB_level_id', 'clb_listening_speaking') }}
    {{ join_clb_level('speaking_clb', 'speaking_CLB_level_id', 'clb_listening_speaking') }}
    {{ join_clb_level('reading_clb', 'reading_CLB_level_id', 'clb_reading_writing') }}
    {{ join_clb_level('writing_clb', 'writing_CLB_level_id', 'clb_reading_writing') }}

)

select * from renamed
