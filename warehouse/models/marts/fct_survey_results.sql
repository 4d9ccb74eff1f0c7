-- Client feedback results under disclosure control: per survey and item, the share of responses
-- agreeing (4-5) or saying yes, over the survey's responses, with its Wilson 95% interval, by
-- period (and 'all'), agency (and 'ALL', the region) and stream (and 'all').  docs/measures.md
-- ("Client feedback") states the rules.
--
-- Every item of a survey has the same denominators (its responses), so they are controlled once,
-- before any item: a response count under the threshold is suppressed with its complements in
-- every item alike, and no item's published denominators can give it back.  Each item's own
-- numerators are then controlled over the same groups.
{% set families = ['values', 'agencies', 'periods'] %}
with

response_counts as (

    select
        survey_id,
        coalesce(period, 'all') as period,
        coalesce(agency_code, 'ALL') as agency_code,
        coalesce(stream_code, 'all') as stream_code,
        count(*) as denominator
    from {{ ref('stg_survey_responses') }}
    group by survey_id, cube (period, agency_code, stream_code)

),

response_cells as (

    select
        row_number() over (order by survey_id, period, agency_code, stream_code) as cell_id,
        *,
        {{ primary_suppression('denominator') }} as suppressed
    from response_counts

),

{# The groups whose parts add up to a published total:
     values:   the streams of a (survey, period, agency) add up to its stream 'all' cell;
     agencies: the agencies of a (survey, period, stream) add up to its 'ALL' cell;
     periods:  the quarters of a (survey, agency, stream) add up to its 'all'-period cell. #}
response_memberships as (

    select cell_id, 'values' as family, concat_ws(chr(31), survey_id, period, agency_code) as group_id,
        stream_code = 'all' as is_total
    from response_cells
    union all
    select cell_id, 'agencies', concat_ws(chr(31), survey_id, period, stream_code), agency_code = 'ALL'
    from response_cells
    union all
    select cell_id, 'periods', concat_ws(chr(31), survey_id, agency_code, stream_code), period = 'all'
    from response_cells

),

response_controlled as (

    {{ complementary_suppression(
        'response_cells', 'response_memberships', families,
        order_by='denominator, is_total, stream_code, agency_code, period',
        rounds=var('suppression_rounds', 8)) }}

),

item_counts as (

    select
        survey_id,
        item,
        any_value(item_kind) as item_kind,
        coalesce(period, 'all') as period,
        coalesce(agency_code, 'ALL') as agency_code,
        coalesce(stream_code, 'all') as stream_code,
        count(*) as denominator,
        count_if(agrees) as numerator
    from {{ ref('int_survey_answers') }}
    group by survey_id, item, cube (period, agency_code, stream_code)

),

item_cells as (

    select
        row_number() over (order by i.survey_id, i.item, i.period, i.agency_code, i.stream_code) as cell_id,
        i.survey_id,
        i.item,
        i.item_kind,
        i.period,
        i.agency_code,
        i.stream_code,
        i.denominator,
        i.numerator,
        r.suppressed or {{ primary_suppression('i.denominator', 'i.numerator') }} as suppressed
    from item_counts as i
    inner join response_controlled as r using (survey_id, period, agency_code, stream_code)

),

item_memberships as (

    select cell_id, 'values' as family, concat_ws(chr(31), survey_id, item, period, agency_code) as group_id,
        stream_code = 'all' as is_total
    from item_cells
    union all
    select cell_id, 'agencies', concat_ws(chr(31), survey_id, item, period, stream_code), agency_code = 'ALL'
    from item_cells
    union all
    select cell_id, 'periods', concat_ws(chr(31), survey_id, item, agency_code, stream_code), period = 'all'
    from item_cells

),

item_controlled as (

    {{ complementary_suppression(
        'item_cells', 'item_memberships', families,
        order_by='denominator, is_total, stream_code, agency_code, period',
        rounds=var('suppression_rounds', 8)) }}

),

final as (

    select
        survey_id,
        item,
        item_kind,
        period,
        agency_code,
        stream_code,
        suppressed,
        cast(case when not suppressed then numerator end as bigint) as numerator,
        cast(case when not suppressed then denominator end as bigint) as denominator,
        cast(case when not suppressed then numerator / denominator end as double) as rate,
        cast(case when not suppressed then {{ wilson_low('numerator', 'denominator') }} end as double) as ci_low,
        cast(case when not suppressed then {{ wilson_high('numerator', 'denominator') }} end as double) as ci_high
    from item_controlled

)

select * from final
