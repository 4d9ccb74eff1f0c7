-- Complementary suppression left no group of fct_outputs cells (an agency's 'ALL' row and its
-- program rows; the region row and the agencies' 'ALL' rows) with exactly one suppressed cell,
-- which could be recovered from the total and the other cells by subtraction.
with

groups as (

    select agency_code as total, period, 'programs' as kind,
        sum(case when suppressed then 1 else 0 end) as suppressed_cells, count(*) as cells
    from {{ ref('fct_outputs') }}
    where agency_code <> 'ALL'
    group by all
    union all
    select 'ALL', period, 'agencies',
        sum(case when suppressed then 1 else 0 end), count(*)
    from {{ ref('fct_outputs') }}
    where program_code = 'ALL'
    group by all

)

select * from groups where suppressed_cells = 1 and cells > 1
