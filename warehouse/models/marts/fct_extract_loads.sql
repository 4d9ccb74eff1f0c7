-- The extracts the warehouse holds: for each agency and quarter, the upload loaded and when.
with

source as (

    select * from {{ source('raw', 'loads') }}
    where kind = 'extract'

),

renamed as (

    select
        -- ids
        agency_cd as agency_code,
        quarter,
        upload_id,
        -- strings
        sha256,
        -- dates
        loaded_at
    from source

)

select * from renamed
