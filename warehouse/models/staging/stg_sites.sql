with

source as (

    select * from {{ source('raw', 'sites') }}

),

renamed as (

    select
        ---------- ids
        site_cd as site_code,
        agency_cd as agency_code,
        upload_id,
        row_number,

        ---------- strings
        {{ blank_as_null('site_name') }} as site_name,
        {{ blank_as_null('site_fsa') }} as site_fsa,
        community_size.code as community_size_code

    from source
    {{ join_code_value('community_size', 'community_size_id', 'community_size') }}

)

select * from renamed
