-- How complete each loaded extract is: per agency, quarter, sheet and column, the sheet's rows
-- and how many of them have a value in the column (not empty, not blanks), counted on the text
-- the agency sent (the raw tables), for the data-quality table of the agency page.
--
-- Incremental by extract partition (agency x quarter, macros/extract_partitions.sql).  Every
-- loaded partition has a row for every column of every sheet, those of a sheet it left empty
-- included (row_count 0).
{{ config(
    materialized='incremental',
    unique_key=['agency_code', 'quarter'],
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ drop_replaced_uploads('agency_code', 'quarter') }}",
) }}

{#- The extract's sheets (accueil/contract/extract_v1.yaml), by their raw table:
    tests/test_published_snapshot.py checks that this list is the contract's. -#}
{% set sheets = [
    'client_profile',
    'needs_assessment',
    'info_orientation',
    'employment',
    'community_connections',
    'lt_course_setup',
    'lt_client_enrol',
    'lt_client_exit',
    'language_assessment',
    'outcome_followup',
] %}

with

loads as (

    select
        agency_cd,
        quarter,
        upload_id
    from {{ source('raw', 'loads') }}
    where kind = 'extract'
    {% if is_incremental() %}
        and upload_id not in (select distinct upload_id from {{ this }})
    {% endif %}

),

{% for sheet in sheets %}
{{ sheet }}_filled as (

    -- One row per loaded partition, with the sheet's rows and, under each column's own name,
    -- its values filled in; then unpivoted to one row per column.
    unpivot (
        select
            loads.agency_cd,
            loads.quarter,
            loads.upload_id,
            count(sheet.row_number) as row_count__,
            count(nullif(trim(cast(
                columns(sheet.* exclude (agency_cd, quarter, upload_id, row_number)) as varchar
            )), ''))
        from loads
        left join {{ source('raw', sheet) }} as sheet
            on sheet.agency_cd = loads.agency_cd
            and sheet.quarter = loads.quarter
            and sheet.upload_id = loads.upload_id
        group by loads.agency_cd, loads.quarter, loads.upload_id
    )
    on columns(* exclude (agency_cd, quarter, upload_id, row_count__))
    into name column_name value filled_count

),

{% endfor %}
final as (

    {% for sheet in sheets %}
    select
        -- ids
        agency_cd as agency_code,
        quarter,
        upload_id,
        '{{ sheet }}' as table_name,
        column_name,
        -- counts
        row_count__ as row_count,
        filled_count
    from {{ sheet }}_filled
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
