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
        -- Blank (agencies_v2): the FSA's, by the rule of seeds/fsa_centroids.yml.
        coalesce(community_size.code, fsa.community_size_code) as community_size_code,

        ---------- numerics
        {{ cast_or_null(blank_as_null('source.latitude'), 'double') }} as latitude,
        {{ cast_or_null(blank_as_null('source.longitude'), 'double') }} as longitude,

        ---------- booleans
        {{ yes_no_flag('remote_service_id') }} as is_remote

    from source
    {{ join_code_value('community_size', 'community_size_id', 'community_size') }}
    left join {{ ref('fsa_centroids') }} as fsa on fsa.fsa = {{ blank_as_null('site_fsa') }}

)

select * from renamed
