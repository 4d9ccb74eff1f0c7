with

source as (

    select * from {{ source('raw', 'funding') }}

),

renamed as (

    select
        ---------- ids
        program_cd as program_code,
        quarter as funding_quarter,
        upload_id,
        row_number,

        ---------- numerics
        {{ to_decimal('amount_cad', 18, 2) }} as amount_cad

    from source

)

select * from renamed
