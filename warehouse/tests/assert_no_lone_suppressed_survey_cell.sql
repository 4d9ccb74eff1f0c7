-- Complementary suppression of fct_survey_results left no group of a published total and its
-- parts with exactly one suppressed member: the streams of a (survey, item, period, agency) with
-- its 'all' cell, the agencies with the 'ALL' cell, the quarters with the 'all' period.
with

members as (

    select 'values' as kind, concat_ws('/', survey_id, item, period, agency_code) as group_id, suppressed
    from {{ ref('fct_survey_results') }}
    union all
    select 'agencies', concat_ws('/', survey_id, item, period, stream_code), suppressed
    from {{ ref('fct_survey_results') }}
    union all
    select 'periods', concat_ws('/', survey_id, item, agency_code, stream_code), suppressed
    from {{ ref('fct_survey_results') }}

)

select kind, group_id, count(*) as members
from members
group by kind, group_id
having count(*) > 1 and count_if(suppressed) = 1
