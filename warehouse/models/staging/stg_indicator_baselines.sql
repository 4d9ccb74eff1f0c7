with

source as (

    select * from {{ source('indicators', 'indicator_baselines') }}

),

renamed as (

    select
        ---------- ids
        upload_id,
        row_number,
        {{ blank_as_null('indicator_code') }} as indicator_code,
        {{ blank_as_null('geography_code') }} as geography_code,

        ---------- strings
        {{ blank_as_null('baseline_period') }} as baseline_period,
        {{ blank_as_null('note') }} as note,

        ---------- numerics
        {{ cast_or_null(blank_as_null('target_value'), 'double') }} as target_value,

        ---------- dates
        {{ to_date('target_date') }} as target_date

    from source

)

select * from renamed
