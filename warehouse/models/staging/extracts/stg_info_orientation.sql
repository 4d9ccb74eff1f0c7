with

source as (

    select * from {{ source('raw', 'info_orientation') }} {{ where_new_uploads() }}

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
        orientation_service.code as orientation_service_code,
        group_size.code as group_size_code,

        ---------- numerics
        {{ to_integer('client_birth_year') }} as birth_year,
        {{ duration_minutes('orientation_length_hours_no', 'orientation_length_minutes_no') }} as orientation_minutes,
        {{ duration_hours('orientation_length_hours_no', 'orientation_length_minutes_no') }} as orientation_hours,

        ---------- booleans
        -- orientation topics
        {{ yes_no_flag('topic_overview_given_ind') }} as topic_overview_of_canada,
        {{ yes_no_flag('topic_information_given_ind') }} as topic_information_sources,
        {{ yes_no_flag('topic_rights_given_ind') }} as topic_rights_freedoms,
        {{ yes_no_flag('topic_law_given_ind') }} as topic_law_justice,
        {{ yes_no_flag('topic_documents_given_ind') }} as topic_important_documents,
        {{ yes_no_flag('topic_language_given_ind') }} as topic_language,
        {{ yes_no_flag('topic_income_given_ind') }} as topic_employment_income,
        {{ yes_no_flag('topic_education_given_ind') }} as topic_education,
        {{ yes_no_flag('topic_housing_given_ind') }} as topic_housing,
        {{ yes_no_flag('topic_health_given_ind') }} as topic_health,
        {{ yes_no_flag('topic_money_given_ind') }} as topic_money_finances,
        {{ yes_no_flag('topic_transportation_given_ind') }} as topic_transportation,
        {{ yes_no_flag('topic_media_given_ind') }} as topic_communications_media,
        {{ yes_no_flag('topic_community_given_ind') }} as topic_community_engagement,
        {{ yes_no_flag('topic_citizenship_given_ind') }} as topic_citizenship,
        {{ yes_no_flag('topic_conflict_given_ind') }} as topic_interpersonal_conflict,

        -- target groups
        {{ target_group_flags() }},

        -- support services
        {{ support_service_flags() }},

        ---------- dates
        {{ to_date('start_dttm') }} as service_date,
        {{ to_date('end_dttm') }} as service_end_date

    from source
    {{ join_code_value('service_language', 'service_language_id', 'language') }}
    {{ join_code_value('official_language', 'service_official_language_id', 'official_language') }}
    {{ join_code_value('institution_type', 'institution_type_id', 'institution_type') }}
    {{ join_code_value('referred_by', 'service_referred_by_id', 'referred_by') }}
    {{ join_code_value('orientation_service', 'orientation_service_id', 'service_received') }}
    {{ join_code_value('group_size', 'group_clients_no_id', 'group_size') }}

)

select * from renamed
