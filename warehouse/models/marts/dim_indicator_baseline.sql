-- The baselines and targets in force, one row per indicator x geography: what the council's
-- scorecard measures change against.  After each build the pipeline records every change of
-- them in the audit log; `accueil restore` carries them from a backup's snapshot into the new
-- working warehouse, so that the next build does not record them all again.
with

baselines as (

    select * from {{ ref('int_indicator_baselines') }}

),

final as (

    select
        -- ids
        indicator_code,
        geography_code,
        upload_id,
        -- strings
        baseline_period,
        baseline_source,
        -- numerics
        target_value,
        -- dates
        target_date
    from baselines

)

select * from final
