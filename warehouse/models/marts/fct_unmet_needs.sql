-- The partnership's service-gap list: the needs clients named and were not met within 180
-- days, by need and by the agency whose assessment named them (or ALL), per quarter of the
-- assessment (or all).  Read from fct_outcome_rates' per-need cells, so that it carries their
-- disclosure control unchanged: a suppressed cell has no counts here either.
with

needs as (

    select
        need,
        any_value(name_en) as name_en,
        any_value(name_fr) as name_fr,
        bool_or(stream_code is not null) as is_served_by_a_stream,
        string_agg(stream_code, '|' order by stream_code) as stream_codes
    from {{ ref('need_streams') }}
    group by need

),

cells as (

    select *
    from {{ ref('fct_outcome_rates') }}
    where outcome like 'needs_met\_%' escape '\'
        and breakdown = 'all'

)

select
    n.need,
    n.name_en,
    n.name_fr,
    n.is_served_by_a_stream,
    n.stream_codes,
    c.agency_code,
    c.period,
    c.suppressed,
    c.denominator as needs_named,
    c.numerator as needs_met,
    c.denominator - c.numerator as needs_unmet,
    1 - c.rate as share_unmet
from cells as c
inner join needs as n
    on c.outcome = 'needs_met_' || n.need
