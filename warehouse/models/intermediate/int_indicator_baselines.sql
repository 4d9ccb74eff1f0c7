-- The baselines in force: the council's newest file overrides the seed's defaults per
-- indicator x geography.  accueil.indicators.warehouse audits every change of this table.
with

defaults as (

    select
        indicator_code,
        geography_code,
        baseline_period,
        cast(target_value as double) as target_value,
        cast(target_date as date) as target_date,
        note,
        'seed' as baseline_source,
        cast(null as integer) as upload_id
    from {{ ref('indicator_baselines') }}

),

council as (

    select
        indicator_code,
        geography_code,
        baseline_period,
        target_value,
        target_date,
        note,
        'council_file' as baseline_source,
        upload_id
    from {{ ref('stg_indicator_baselines') }}

),

final as (

    select * from council
    union all
    select defaults.*
    from defaults
    anti join council using (indicator_code, geography_code)

)

select * from final
