with

source as (

    select * from {{ source('indicators', 'indicator_observations') }}

),

loads as (

    select * from {{ source('indicators', 'indicator_loads') }}

),

renamed as (

    select
        ---------- ids
        source.upload_id,
        source.row_number,
        {{ blank_as_null('source.indicator_code') }} as indicator_code,
        {{ blank_as_null('source.geography_code') }} as geography_code,

        ---------- strings
        {{ blank_as_null('source.period') }} as period,
        {{ blank_as_null('source.unit') }} as unit,
        {{ blank_as_null('source.source_note') }} as source_note,

        ---------- numerics
        {{ cast_or_null(blank_as_null('source.value'), 'double') }} as value,
        {{ cast_or_null(blank_as_null('source.denominator'), 'bigint') }} as denominator,
        {{ cast_or_null(blank_as_null('source.margin_of_error'), 'double') }} as margin_of_error,

        ---------- dates
        {{ period_start('source.period') }} as period_start,
        {{ period_end('source.period') }} as period_end,
        loads.loaded_at

    from source
    left join loads on loads.upload_id = source.upload_id

)

select * from renamed
