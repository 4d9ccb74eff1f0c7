-- Per indicator x geography x period: the value against the baseline the council set, a
-- direction-adjusted status that a change must earn by exceeding its uncertainty, progress
-- toward the target, and how fresh the data is.
with

indicator_values as (

    select * from {{ ref('int_indicator_values') }}

),

baselines as (

    select * from {{ ref('int_indicator_baselines') }}

),

with_baseline as (

    select
        current_value.*,
        baselines.baseline_period,
        baselines.target_value,
        baselines.target_date,
        baseline_value.value as baseline_value,
        baseline_value.margin_of_error as baseline_margin_of_error
    from indicator_values as current_value
    left join baselines using (indicator_code, geography_code)
    left join indicator_values as baseline_value
        on baseline_value.indicator_code = current_value.indicator_code
        and baseline_value.geography_code = current_value.geography_code
        and baseline_value.period = baselines.baseline_period

),

{# How large a change must be to count.  Where either value has an interval, two values
   differ clearly when their difference exceeds the combined margin of error,
   sqrt(moe1^2 + moe2^2) (a value without one counts as exact); where neither has, the
   catalogue's change_tolerance for the indicator, in its unit. #}
compared as (

    select
        *,
        value - baseline_value as change_since_baseline,
        case
            when margin_of_error is not null or baseline_margin_of_error is not null
                then sqrt(power(coalesce(margin_of_error, 0), 2) + power(coalesce(baseline_margin_of_error, 0), 2))
            else change_tolerance
        end as change_threshold,
        case
            when margin_of_error is not null or baseline_margin_of_error is not null then 'margin_of_error'
            else 'change_tolerance'
        end as change_threshold_basis,
        case direction when 'lower_is_better' then -1 else 1 end * (value - baseline_value) as improvement
    from with_baseline

),

freshness as (

    select
        indicator_code,
        geography_code,
        -- ties between a year and its last quarter go to the year, the fuller picture
        arg_max(period, period_end::varchar || '|' || (9 - length(period))::varchar) as latest_period,
        max(period_end) as latest_period_end
    from indicator_values
    group by all

),

final as (

    select
        compared.indicator_code,
        compared.geography_code,
        compared.geography_name_en,
        compared.geography_name_fr,
        compared.period,
        compared.period_start,
        compared.period_end,
        compared.value,
        compared.margin_of_error,
        compared.ci_low,
        compared.ci_high,
        compared.denominator,
        compared.suppressed,
        compared.baseline_period,
        compared.baseline_value,
        compared.change_since_baseline,
        case
            when compared.baseline_value is null then 'no_baseline'
            when compared.value is null then 'no_clear_change'
            when compared.improvement > compared.change_threshold then 'improved'
            when compared.improvement < -compared.change_threshold then 'worsened'
            else 'no_clear_change'
        end as status,
        compared.target_value,
        compared.target_date,
        case
            when compared.target_value is not null and compared.target_value <> compared.baseline_value
                -- + 0.0 turns the -0.0 of no progress toward a lower target into 0
                then 100 * (compared.value - compared.baseline_value) / (compared.target_value - compared.baseline_value)
                    + 0.0
        end as progress_to_target_pct,
        freshness.latest_period,
        compared.period = freshness.latest_period as is_latest,
        compared.source_note,
        compared.unit,
        compared.direction,
        compared.computed_by,
        compared.baseline_margin_of_error,
        case when compared.change_since_baseline is not null then compared.change_threshold end as change_threshold,
        case when compared.change_since_baseline is not null then compared.change_threshold_basis end
            as change_threshold_basis,
        freshness.latest_period_end,
        compared.upload_id,
        compared.version,
        compared.loaded_at
    from compared
    inner join freshness using (indicator_code, geography_code)

)

select * from final
