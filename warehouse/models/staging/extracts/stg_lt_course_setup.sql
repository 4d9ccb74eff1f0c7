with

source as (

    select * from {{ source('raw', 'lt_course_setup') }} {{ where_new_uploads() }}

),

renamed as (

    select
        ---------- ids
        course_cd as course_code,
        agency_cd as agency_code,
        quarter as reported_quarter,
        upload_id,
        row_number,

        ---------- strings
        official_language.code as official_language_code,
        training_format.code as training_format_code,
        training_location.code as training_location_code,
        enrolment_frequency.code as enrolment_frequency_code,
        course_focus.code as course_focus_code,

        ---------- numerics
        {{ to_integer('total_spots_num') }} as total_spots,
        {{ to_decimal('instructional_hours_per_class', 5, 2) }} as instructional_hours_per_class,
        {{ to_integer('classes_per_week') }} as classes_per_week,
        {{ to_integer('weeks_of_instruction') }} as weeks_of_instruction,
        {{ to_decimal('instructional_hours_per_class', 5, 2) }}
            * {{ to_integer('classes_per_week') }}
            * {{ to_integer('weeks_of_instruction') }}
            as planned_instructional_hours,

        ---------- booleans
        {{ yes_no_flag('held_on_ongoing_basis_ind') }} as is_ongoing,
        {{ yes_no_flag('target_group_ind') }} as is_for_target_group,

        ---------- dates
        {{ to_date('start_dt') }} as course_start_date,
        {{ to_date('end_dt') }} as course_end_date

    from source
    {{ join_code_value('official_language', 'official_language_id', 'official_language') }}
    {{ join_code_value('training_format', 'training_format_id', 'training_format') }}
    {{ join_code_value('training_location', 'training_location_id', 'training_location') }}
    {{ join_code_value('enrolment_frequency', 'course_enrolment_id', 'course_enrolment') }}
    {{ join_code_value('course_focus', 'course_dominant_focus_id', 'course_focus') }}

)

select * from renamed
