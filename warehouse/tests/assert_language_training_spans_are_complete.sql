-- Every language-training enrolment finds its course in the LT Course Setup of the same
-- extract (else its hours would be missing), and its quarters attended add up to the days from
-- its first class to its end point.
with

enrolments as (

    select e.agency_code, e.reported_quarter, e.record_id, e.course_code,
        c.course_code is not null as has_course
    from {{ ref('stg_lt_client_enrol') }} as e
    left join {{ ref('stg_lt_course_setup') }} as c
        on c.agency_code = e.agency_code and c.reported_quarter = e.reported_quarter
        and c.course_code = e.course_code

),

spans as (

    select agency_code, reported_quarter, record_id,
        sum(attended_days) as attended_days,
        min(datediff('day', first_class_date, end_date)) as span_days,
        count(distinct end_date) as end_dates
    from {{ ref('int_language_training_hours') }}
    group by all

)

select agency_code, reported_quarter, record_id, 'enrolment without its course' as rule
from enrolments
where not has_course
union all
select agency_code, reported_quarter, record_id, 'quarters do not add up to the span'
from spans
where attended_days <> span_days or end_dates <> 1
