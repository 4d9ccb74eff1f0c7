with

source as (

    select * from {{ source('raw', 'site_services') }}

),

renamed as (

    select
        ---------- ids
        site_cd as site_code,
        upload_id,
        row_number,

        ---------- strings
        stream.code as stream_code,
        -- Null for a version-1 file's sites: the languages were not stated.
        language.code as language_code

    from source
    {{ join_code_value('stream', 'stream_id', 'service_stream') }}
    {{ join_code_value('language', 'language_id', 'language') }}

)

select * from renamed
