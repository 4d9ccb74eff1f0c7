-- Instructional hours of language training, per enrolment and per quarter attended.
--
-- An enrolment (LT Client Enrol) attends its course from the first class date to an end
-- point: the client's exit from the course (the earliest LT Client Exit of the same client,
-- agency and course on or after the first class), else the course end date, else the end of
-- the latest quarter the agency has reported (the client is still enrolled).  The span is
-- split at quarter boundaries; in each quarter:
--   attended_days = days from (first class, or the quarter's first day)
--                   to (the end point, or the first day of the next quarter)
--   instructional hours = hours per class x classes per week x attended_days / 7
-- Hours per class and classes per week come from the course's LT Course Setup row in the
-- extract that reported the enrolment.  Exits without an enrolment carry no first class date
-- and contribute no hours.
with

enrolments as (

    select * from {{ ref('stg_lt_client_enrol') }}

),

courses as (

    select * from {{ ref('stg_lt_course_setup') }}

),

exits as (

    select * from {{ ref('stg_lt_client_exit') }}

),

agency_data_end as (

    -- The first day after the latest quarter the agency reported.
    select
        agency_code,
        max({{ quarter_end('reported_quarter') }}) + interval 1 day as data_end
    from {{ ref('int_service_events') }}
    group by agency_code

),

spans as (

    select
        e.agency_code,
        e.reported_quarter,
        e.record_id,
        e.client_key,
        e.course_code,
        e.service_date as first_class_date,
        x.record_id as exit_record_id,
        cast(coalesce(x.service_date, least(c.course_end_date, d.data_end)) as date) as end_date,
        case
            when x.service_date is not null then 'exit'
            when c.course_end_date is not null and c.course_end_date < d.data_end then 'course_end'
            else 'data_end'
        end as end_point,
        c.instructional_hours_per_class,
        c.classes_per_week
    from enrolments as e
    inner join courses as c
        on c.agency_code = e.agency_code
        and c.reported_quarter = e.reported_quarter
        and c.course_code = e.course_code
    inner join agency_data_end as d
        on d.agency_code = e.agency_code
    left join exits as x
        on x.agency_code = e.agency_code
        and x.client_key = e.client_key
        and x.course_code = e.course_code
        and x.service_date >= e.service_date
    qualify row_number() over (
        partition by e.agency_code, e.reported_quarter, e.record_id
        order by x.service_date, x.reported_quarter, x.record_id
    ) = 1

),

quarters as (

    select
        s.*,
        cast(unnest(generate_series(
            cast(date_trunc('quarter', s.first_class_date) as date),
            s.end_date - interval 1 day,
            interval 3 month
        )) as date) as quarter_start
    from spans as s
    where s.end_date > s.first_class_date

),

attended as (

    select
        *,
        datediff(
            'day',
            greatest(first_class_date, quarter_start),
            least(end_date, cast(quarter_start + interval 3 month as date))
        ) as attended_days
    from quarters

)

select
    a.agency_code,
    a.reported_quarter,
    a.record_id,
    a.client_key,
    a.course_code,
    coalesce(p.program_code, 'UNASSIGNED') as program_code,
    {{ quarter_of('a.quarter_start') }} as period,
    a.first_class_date,
    a.exit_record_id,
    a.end_date,
    a.end_point,
    a.instructional_hours_per_class,
    a.classes_per_week,
    cast(a.attended_days as integer) as attended_days,
    cast(a.instructional_hours_per_class * a.classes_per_week * a.attended_days / 7 as decimal(18, 4))
        as instructional_hours
from attended as a
left join {{ ref('int_stream_programs') }} as p
    on p.agency_code = a.agency_code and p.stream_code = 'language_training'
