-- Every service a client received, across the modules: the basis of "clients served",
-- first contact, participation and referral follow-through.  Follow-ups are not services.
--
-- Incremental by extract partition (agency x quarter): a run inserts the partitions whose
-- loaded upload is not in the table yet and, through delete+insert on the partition key,
-- replaces the rows of a corrected extract.  A corrected extract with no service rows at all
-- inserts nothing to trigger that delete, so the post-hook drops every row whose upload is no
-- longer the one loaded for its partition.  Everything downstream reads this table.
{{ config(
    materialized='incremental',
    unique_key=['agency_code', 'reported_quarter'],
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="""
        delete from {{ this }} as e
        where not exists (
            select 1 from {{ source('raw', 'loads') }} as l
            where l.kind = 'extract' and l.agency_cd = e.agency_code and l.quarter = e.reported_quarter
                and l.upload_id = e.upload_id
        )
    """,
) }}

with

events as (

    {% set sources = [
        ('stg_needs_assessment', 'needs_assessment'),
        ('stg_info_orientation', 'information_orientation'),
        ('stg_employment', 'employment'),
        ('stg_community_connections', 'community_connections'),
        ('stg_lt_client_enrol', 'language_training'),
        ('stg_lt_client_exit', 'language_training'),
        ('stg_language_assessment', 'language_assessment'),
    ] %}
    {% for model, stream in sources %}
    select
        '{{ model }}' as source_model,
        '{{ stream }}' as stream_code,
        record_id,
        client_key,
        agency_code,
        reported_quarter,
        upload_id,
        service_fsa,
        service_date
    from {{ ref(model) }}
    {% if is_incremental() %}
    where upload_id not in (select distinct upload_id from {{ this }})
    {% endif %}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select
    *,
    {{ quarter_of('service_date') }} as service_quarter
from events
