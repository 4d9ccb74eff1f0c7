-- One row per response and item of the client feedback files: whether the respondent agrees
-- (4 or 5 on a Likert item) or says yes (a yes/no item).  A skipped question counts among the
-- responses and not among those agreeing: the survey's response count is the denominator
-- (docs/measures.md, "Client feedback").
{% set likert = ['welcomed', 'understood', 'own_language', 'helped', 'more_confident'] %}
{% set yes_no = ['got_help_needed', 'would_recommend', 'knows_where_next'] %}
with

responses as (

    select * from {{ ref('stg_survey_responses') }}

),

answers as (

    {% for item in likert %}
    select
        survey_id, period, agency_code, stream_code, response_id,
        '{{ item }}' as item,
        'likert' as item_kind,
        {{ item }} is not null as answered,
        coalesce({{ item }} >= 4, false) as agrees
    from responses
    union all
    {% endfor %}
    {% for item in yes_no %}
    select
        survey_id, period, agency_code, stream_code, response_id,
        '{{ item }}' as item,
        'yes_no' as item_kind,
        {{ item }} is not null as answered,
        coalesce({{ item }}, false) as agrees
    from responses
    {{ 'union all' if not loop.last }}
    {% endfor %}

)

select * from answers
