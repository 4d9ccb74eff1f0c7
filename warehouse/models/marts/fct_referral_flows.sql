-- Referrals from one agency to another (same-agency referrals left out), by quarter of the
-- referral (or "all") and referred stream (or "all"), under disclosure control.
-- fct_referral_flows.yml defines every column; docs/measures.md states the rules.
with

referrals as (

    select
        referring_agency_code as from_code,
        receiving_agency_code as to_code,
        year(referral_date) || 'Q' || quarter(referral_date) as referral_quarter,
        referral_stream_code
    from {{ ref('int_referrals') }}
    where not is_same_agency

),

counted as (

    select
        coalesce(referral_quarter, 'all') as period,
        coalesce(referral_stream_code, 'all') as stream_code,
        from_code,
        to_code,
        count(*) as referrals
    from referrals
    group by grouping sets (
        (referral_quarter, referral_stream_code, from_code, to_code),
        (referral_quarter, from_code, to_code),
        (referral_stream_code, from_code, to_code),
        (from_code, to_code)
    )

),

cells as (

    select
        row_number() over () as cell_id,
        *,
        {{ primary_suppression('referrals') }} as suppressed
    from counted

),

{# The groups a total could give a suppressed flow back from: the quarters of a flow, which
   add up to its 'all' period; the streams of a flow, which add up to its 'all' stream; and,
   as a precaution, the flows out of an agency and into an agency within a period and
   stream, whose totals are not published as such (fct_outputs counts referrals by the
   extract's quarter and program, not by referral date and stream) but are close to
   figures that are. #}
memberships as (

    select cell_id, 'from' as family, concat_ws(chr(31), period, stream_code, from_code) as group_id,
        false as is_total
    from cells
    union all
    select cell_id, 'to', concat_ws(chr(31), period, stream_code, to_code), false
    from cells
    union all
    select cell_id, 'periods', concat_ws(chr(31), stream_code, from_code, to_code), period = 'all'
    from cells
    union all
    select cell_id, 'streams', concat_ws(chr(31), period, from_code, to_code), stream_code = 'all'
    from cells

),

{# The written order: in each round, flows out, flows in, quarters, streams.  In a group,
   parts before the total, then the fewest referrals, then by agency codes, period and
   stream. #}
controlled as (

    {{ complementary_suppression(
        'cells', 'memberships', ['from', 'to', 'periods', 'streams'],
        order_by='is_total, referrals, from_code, to_code, period, stream_code', rounds=8) }}

)

select
    period,
    stream_code,
    from_code,
    to_code,
    suppressed,
    cast(case when not suppressed then referrals end as bigint) as referrals
from controlled
