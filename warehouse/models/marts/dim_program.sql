-- One row per funded program, with the service streams whose services count toward it
-- (int_stream_programs: a program's own stream, and language assessments for a language-
-- training program when its agency has no assessment program).
with

programs as (

    select * from {{ ref('stg_programs') }}

),

attributed as (

    select
        sp.program_code,
        string_agg(sp.stream_code, '|' order by s.sort_order) as attributed_streams
    from {{ ref('int_stream_programs') }} as sp
    inner join {{ ref('accueil_code_values') }} as s
        on s.code_list = 'service_stream' and s.code = sp.stream_code
    where sp.is_assigned
    group by sp.program_code

)

select
    p.program_code,
    p.agency_code,
    p.program_name_en,
    p.program_name_fr,
    p.stream_code,
    a.attributed_streams
from programs as p
left join attributed as a on a.program_code = p.program_code
