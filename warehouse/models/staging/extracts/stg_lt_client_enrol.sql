with

source as (

    select * from {{ source('raw', 'lt_client_enrol') }} {{ where_new_uploads() }}

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
        official_language.code as official_language_code,

        ---------- numerics
        {{ to_integer('client_birth_year') }} as birth_year,

        ---------- booleans
        -- support services
        {{ support_service_flags() }},

        ---------- dates
        {{ to_date('first_class_dt') }} as service_date

    from source
    {{ join_code_value('official_language', 'preferred_official_lang_id', 'official_language') }}

)

select * from renamed
