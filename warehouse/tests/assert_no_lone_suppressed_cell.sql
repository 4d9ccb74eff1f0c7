-- Complementary suppression left no group of cells that adds up to a published total with
-- exactly one suppressed cell (which could be recovered by subtraction).
with

groups as (

    select outcome, period, agency_code, breakdown, 'values' as kind,
        sum(case when suppressed then 1 else 0 end) as suppressed_cells, count(*) as cells
    from {{ ref('fct_outcome_rates') }}
    where breakdown in ('gender', 'age_band', 'immigration_category', 'official_language', 'community_size',
                        'gender_x_immigration_category')
    group by all
    union all
    select outcome, period, breakdown_value, breakdown, 'agencies',
        sum(case when suppressed then 1 else 0 end), count(*)
    from {{ ref('fct_outcome_rates') }}
    where agency_code <> 'ALL'
    group by all

)

select * from groups where suppressed_cells = 1 and cells > 1
