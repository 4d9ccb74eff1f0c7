with

source as (

    select * from {{ source('raw', 'agencies') }}

),

renamed as (

    select
        ---------- ids
        agency_cd as agency_code,
        upload_id,
        row_number,

        ---------- strings
        {{ blank_as_null('agency_name') }} as agency_name,
        report_language.code as report_language_code,
        province.code as province_code

    from source
    {{ join_code_value('report_language', 'report_language_id', 'report_language') }}
    {{ join_code_value('province', 'province_id', 'province') }}

)

select * from renamed
