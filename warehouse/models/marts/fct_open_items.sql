-- How many referrals are still open and how many clients' follow-ups are overdue, per agency and
-- for the region (ALL), under disclosure control: the partnership's counts of the lists each
-- agency reads of its own clients (fct_open_referral_list, fct_overdue_followup_list).  Every
-- client is counted, whether or not they consented to be listed.
with

agencies as (

    select agency_code from {{ ref('dim_agency') }}

),

items as (

    select 'open_referral' as item, agency_code from {{ ref('fct_open_referral_list') }}
    union all
    select 'overdue_followup', agency_code from {{ ref('fct_overdue_followup_list') }}

),

-- Every agency has a row for each item, so an agency with none is a (suppressed) count, not a gap.
grid as (

    select i.item, a.agency_code
    from agencies as a
    cross join (select unnest(['open_referral', 'overdue_followup']) as item) as i

),

per_agency as (

    select g.item, g.agency_code, count(i.item) as items
    from grid as g
    left join items as i on g.item = i.item and g.agency_code = i.agency_code
    group by all

),

counted as (

    select item, agency_code, items from per_agency
    union all
    select item, 'ALL', count(*) from items group by item
    -- an item with no row anywhere is still a region count (of zero)
    union all
    select i.item, 'ALL', 0
    from (select unnest(['open_referral', 'overdue_followup']) as item) as i
    where i.item not in (select item from items)

),

cells as (

    select
        row_number() over (order by item, agency_code) as cell_id,
        *,
        {{ primary_suppression('items') }} as suppressed
    from counted

),

{# The agencies of an item add up to its region count: one suppressed agency alone would be
   given back by subtraction. #}
memberships as (

    select cell_id, 'agencies' as family, item as group_id, agency_code = 'ALL' as is_total
    from cells

),

controlled as (

    {{ complementary_suppression(
        'cells', 'memberships', ['agencies'], order_by='is_total, items, agency_code', rounds=2) }}

),

data_end as (

    select cast(max({{ quarter_end('reported_quarter') }}) as date) as last_day
    from {{ ref('int_service_events') }}

)

select
    c.item,
    c.agency_code,
    c.suppressed,
    cast(case when not c.suppressed then c.items end as bigint) as items,
    cast(case when c.item = 'open_referral' then {{ var('referral_open_days') }} end as integer) as open_after_days,
    d.last_day as as_of_date
from controlled as c
cross join data_end as d
