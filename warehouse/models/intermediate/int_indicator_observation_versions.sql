-- Every loaded observation, with its version: a newer upload of the same indicator x geography
-- x period supersedes the older one, which stays here as history.
with

observations as (

    select * from {{ ref('stg_indicator_observations') }}

),

versioned as (

    select
        *,
        row_number() over (
            partition by indicator_code, geography_code, period order by upload_id, row_number
        ) as version,
        lead(upload_id) over (
            partition by indicator_code, geography_code, period order by upload_id, row_number
        ) as superseded_by_upload_id
    from observations

),

final as (

    select
        indicator_code,
        geography_code,
        period,
        period_start,
        period_end,
        version,
        superseded_by_upload_id is null as is_current,
        upload_id,
        superseded_by_upload_id,
        row_number,
        loaded_at,
        value,
        unit,
        denominator,
        margin_of_error,
        source_note
    from versioned

)

select * from final
