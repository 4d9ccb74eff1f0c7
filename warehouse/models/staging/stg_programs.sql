with

source as (

    select * from {{ source('raw', 'programs') }}

),

renamed as (

    select
        ---------- ids
        program_cd as program_code,
        agency_cd as agency_code,
        upload_id,
        row_number,

        ---------- strings
        {{ blank_as_null('program_name_en') }} as program_name_en,
        {{ blank_as_null('program_name_fr') }} as program_name_fr,
        stream.code as stream_code

    from source
    {{ join_code_value('stream', 'stream_id', 'service_stream') }}

)

select * from renamed
