-- One value per indicator x geography x period: the warehouse's computed values and the
-- current version of each outside observation, with a 95% interval where one is known and
-- disclosure control, beside what the progress mart needs from the catalogue.
{% set threshold = var('suppression_threshold') %}
{% set z = 1.96 %}

with

catalogue as (

    select * from {{ ref('indicator_catalogue') }}

),

computed as (

    select
        indicator_code,
        geography_code,
        period,
        value,
        ci_low,
        ci_high,
        denominator,
        suppressed,
        cast(null as varchar) as source_note,
        cast(null as integer) as upload_id,
        cast(null as integer) as version,
        cast(null as timestamp) as loaded_at
    from {{ ref('int_indicator_computed') }}

),

current_observations as (

    select observations.*, catalogue.unit as catalogue_unit
    from {{ ref('int_indicator_observation_versions') }} as observations
    inner join catalogue using (indicator_code)
    where observations.is_current
      and catalogue.computed_by = 'observation'

),

{# The interval of an observation: the source's margin of error when it gives one; else,
   from its denominator, Wilson's for a percentage and the Poisson (normal) one for a rate
   per 100,000; else none. #}
observation_intervals as (

    select
        *,
        case
            when margin_of_error is not null then value - margin_of_error
            when denominator > 0 and catalogue_unit = 'percent'
                then 100 * {{ wilson_low('(value / 100) * denominator', 'denominator', z) }}
            when denominator > 0 and catalogue_unit = 'rate_per_100k'
                then greatest(0, value - {{ z }} * sqrt(value * denominator / 100000) * 100000 / denominator)
        end as interval_low,
        case
            when margin_of_error is not null then value + margin_of_error
            when denominator > 0 and catalogue_unit = 'percent'
                then 100 * {{ wilson_high('(value / 100) * denominator', 'denominator', z) }}
            when denominator > 0 and catalogue_unit = 'rate_per_100k'
                then value + {{ z }} * sqrt(value * denominator / 100000) * 100000 / denominator
        end as interval_high,
        coalesce(denominator < {{ threshold }}, false) as is_small
    from current_observations

),

observed as (

    select
        indicator_code,
        geography_code,
        period,
        case when not is_small then value end as value,
        case when not is_small then interval_low end as ci_low,
        case when not is_small then interval_high end as ci_high,
        case when not is_small then denominator end as denominator,
        -- the source's margin of error as given, else the interval's half-width
        case when not is_small then coalesce(margin_of_error, (interval_high - interval_low) / 2) end
            as margin_of_error,
        is_small as suppressed,
        source_note,
        upload_id,
        version,
        loaded_at
    from observation_intervals

),

all_values as (

    select *, (ci_high - ci_low) / 2 as margin_of_error from computed
    union all by name
    select * from observed

),

final as (

    select
        all_values.indicator_code,
        all_values.geography_code,
        geographies.name_en as geography_name_en,
        geographies.name_fr as geography_name_fr,
        all_values.period,
        {{ period_start('all_values.period') }} as period_start,
        {{ period_end('all_values.period') }} as period_end,
        all_values.value::double as value,
        all_values.margin_of_error::double as margin_of_error,
        all_values.ci_low::double as ci_low,
        all_values.ci_high::double as ci_high,
        all_values.denominator::bigint as denominator,
        all_values.suppressed,
        all_values.source_note,
        all_values.upload_id,
        all_values.version::integer as version,
        all_values.loaded_at,
        catalogue.unit,
        catalogue.direction,
        catalogue.computed_by,
        cast(catalogue.change_tolerance as double) as change_tolerance
    from all_values
    inner join catalogue using (indicator_code)
    left join {{ ref('indicator_geographies') }} as geographies using (geography_code)

)

select * from final
