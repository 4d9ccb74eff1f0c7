-- Which program each agency's services in each service stream count toward: one row per
-- agency x service stream (the six codes of the service_stream code list).
--   * a stream's services belong to the agency's program of the same stream;
--   * language assessments belong to the agency's language_assessment program or, when it
--     has none, to its language_training program (assessment is the entry to training);
--   * when the agency has no such program, to the pseudo-program 'UNASSIGNED';
--   * should an agency have two programs of one stream, the lowest program code wins, so a
--     service is never counted twice.
with

agencies as (

    select agency_code from {{ ref('stg_agencies') }}

),

streams as (

    select code as stream_code, sort_order
    from {{ ref('accueil_code_values') }}
    where code_list = 'service_stream'

),

candidates as (

    select
        a.agency_code,
        s.stream_code,
        p.program_code,
        case when p.stream_code = s.stream_code then 1 else 2 end as preference
    from agencies as a
    cross join streams as s
    inner join {{ ref('stg_programs') }} as p
        on p.agency_code = a.agency_code
        and (
            p.stream_code = s.stream_code
            or (s.stream_code = 'language_assessment' and p.stream_code = 'language_training')
        )

),

chosen as (

    select *
    from candidates
    qualify row_number() over (
        partition by agency_code, stream_code order by preference, program_code
    ) = 1

)

select
    a.agency_code,
    s.stream_code,
    coalesce(c.program_code, 'UNASSIGNED') as program_code,
    c.program_code is not null as is_assigned,
    coalesce(c.preference = 2, false) as is_fallback
from agencies as a
cross join streams as s
left join chosen as c
    on c.agency_code = a.agency_code and c.stream_code = s.stream_code
