-- The catalogue of welcoming-community indicators, one row per indicator, with its
-- characteristic (Esses et al. 2010) in both languages.  docs/indicators.md is generated
-- from the same seed.
with

catalogue as (

    select * from {{ ref('indicator_catalogue') }}

),

characteristics as (

    select * from {{ ref('indicator_characteristics') }}

),

final as (

    select
        catalogue.indicator_code,
        catalogue.name_en,
        catalogue.name_fr,
        catalogue.definition_en,
        catalogue.definition_fr,
        cast(catalogue.characteristic_number as integer) as characteristic_number,
        characteristics.characteristic_en,
        characteristics.characteristic_fr,
        catalogue.unit,
        catalogue.direction,
        catalogue.source_en,
        catalogue.source_fr,
        catalogue.computed_by,
        nullif(catalogue.comparison_group_en, '') as comparison_group_en,
        nullif(catalogue.comparison_group_fr, '') as comparison_group_fr,
        nullif(catalogue.warehouse_measure, '') as warehouse_measure,
        cast(catalogue.change_tolerance as double) as change_tolerance
    from catalogue
    inner join characteristics using (characteristic_number)

)

select * from final
