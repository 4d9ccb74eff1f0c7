with

source as (

    select * from {{ source('raw', 'lt_client_enrol') }}

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
        {{ yes_no_flag('support_received_ind') }} as received_support_services,
        {{ yes_no_flag('childminding_ind') }} as received_childminding,
        {{ yes_no_flag('transportation_ind') }} as received_transportation,
        {{ yes_no_flag('support_disability_ind') }} as received_disability_support,
        {{ yes_no_flag('translation_ind') }} as received_translation,
        {{ yes_no_flag('interpretation_ind') }} as received_interpretation,
        {{ yes_no_flag('counselling_ind') }} as received_crisis_counselling,

        ---------- dates
        {{ to_date('first_class_dt') }} as service_date

    from source
    {{ join_code_value('official_language', 'preferred_official_lang_id', 'official_language') }}

)

select * from renamed
