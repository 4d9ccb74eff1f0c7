-- Every service a client received, across the modules: the basis of "clients served",
-- first contact, participation and referral follow-through.  Follow-ups are not services.
--
-- Incremental by extract partition (agency x quarter, macros/extract_partitions.sql), as the
-- staging models it reads.  Everything downstream reads this table.
{{ config(
    materialized='incremental',
    unique_key=['agency_code', 'reported_quarter'],
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ drop_replaced_uploads('agency_code', 'reported_quarter') }}",
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
    {{ where_new_uploads() }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select
    *,
    {{ quarter_of('service_date') }} as service_quarter
from events
