-- Every CLB observation of a client: language assessments and course exits, per skill.
--
-- Kept by client: a build recomputes the clients its uploads touch (macros/client_partitions.sql,
-- configured for models/intermediate/clients/ in dbt_project.yml).
{%- set touched = touched_clients_only() %}
{% set skills = ['listening', 'speaking', 'reading', 'writing'] %}
with

observations as (

    {% for model, kind in [('stg_language_assessment', 'assessment'), ('stg_lt_client_exit', 'course_exit')] %}
    select
        '{{ kind }}' as observation_kind,
        record_id,
        client_key,
        agency_code,
        service_date as observation_date,
        {% for skill in skills %}
        {{ skill }}_clb_kind,
        {{ skill }}_clb_level{% if not loop.last %},{% endif %}
        {% endfor %}
    from {{ for_clients(ref(model), touched) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from observations
