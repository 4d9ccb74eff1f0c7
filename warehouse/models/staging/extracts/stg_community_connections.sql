with

source as (

    select * from {{ source('raw', 'community_connections') }} {{ where_new_uploads() }}

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
        referred_by.code as referred_by_code,
        activity.code as activity_code,
        institution_type.code as institution_type_code,
        event_type.code as event_type_code,
        service_type.code as service_type_code,
        topic.code as topic_code,
        service_received.code as service_received_code,
        group_size.code as group_size_code,
        service_status.code as service_status_code,
        leave_reason.code as leave_reason_code,

        ---------- numerics
        {{ to_integer('client_birth_year') }} as birth_year,
        {{ duration_minutes('service_length_hours_no', 'service_length_minutes_no') }} as service_minutes,
        {{ duration_hours('service_length_hours_no', 'service_length_minutes_no') }} as service_hours,

        ---------- booleans
        -- host community
        {{ yes_no_flag('volunteers_participate_ind') }} as has_host_volunteers,

        -- target groups
        {{ target_group_flags() }},

        -- support services
        {{ support_service_flags() }},

        ---------- dates
        {{ to_date('service_start_dt') }} as service_date,
        {{ to_date('service_end_dt') }} as service_end_date

    from source
    {{ join_code_value('service_language', 'service_lang_id', 'language') }}
    {{ join_code_value('official_language', 'preferred_official_lang_id', 'official_language') }}
    {{ join_code_value('referred_by', 'assessment_referral_id', 'referred_by') }}
    {{ join_code_value('activity', 'community_activity_id', 'cc_activity') }}
    {{ join_code_value('institution_type', 'institution_type_id', 'institution_type') }}
    {{ join_code_value('event_type', 'events_type_attended_id', 'cc_event_type') }}
    {{ join_code_value('service_type', 'service_type_id', 'cc_service_type') }}
    {{ join_code_value('topic', 'topics_service_id', 'cc_topic') }}
    {{ join_code_value('service_received', 'community_service_id', 'service_received') }}
    {{ join_code_value('group_size', 'group_clients_no_id', 'group_size') }}
    {{ join_code_value('service_status', 'service_status_id', 'service_status') }}
    {{ join_code_value('leave_reason', 'community_leave_reason_id', 'service_leave_reason') }}

)

select * from renamed
