-- Every CLB observation of a client: language assessments and course exits, per skill.
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
    from {{ ref(model) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from observations
