-- Client feedback responses, typed: one row per response of the current file of each agency,
-- survey and period.  Likert items as integers (1-5), yes/no items as booleans; blank: null.
{% set likert = ['welcomed', 'understood', 'own_language', 'helped', 'more_confident'] %}
{% set yes_no = ['got_help_needed', 'would_recommend', 'knows_where_next'] %}
with

source as (

    select * from {{ source('surveys', 'survey_responses') }}

),

renamed as (

    select
        ---------- ids
        source.upload_id,
        source.row_number,
        {{ blank_as_null('source.survey_id') }} as survey_id,
        {{ blank_as_null('source.response_id') }} as response_id,
        {{ blank_as_null('source.client_key') }} as client_key,

        ---------- strings
        {{ blank_as_null('source.period') }} as period,
        {{ blank_as_null('source.agency_cd') }} as agency_code,
        stream.code as stream_code,

        ---------- numerics
        {% for item in likert %}
        {{ cast_or_null(blank_as_null('source.' ~ item), 'integer') }} as {{ item }},
        {% endfor %}

        ---------- booleans
        {% for item in yes_no %}
        {{ yes_no_flag('source.' ~ item) }} as {{ item }}{{ ',' if not loop.last }}
        {% endfor %}

    from source
    {{ join_code_value('stream', 'source.stream_id', 'service_stream') }}

)

select * from renamed
