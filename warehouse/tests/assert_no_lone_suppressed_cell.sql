-- Complementary suppression left no group of a published total and its parts with exactly
-- one suppressed member (which could be recovered by subtraction).  The groups are those of
-- fct_outcome_rates: the values of a partitioning breakdown with the breakdown 'all' cell;
-- the gender x immigration category cells of one gender (or one category) with that
-- gender's (category's) cell; the agencies of a breakdown value with the 'ALL' cell; the
-- quarters with the 'all' period.  For the rates and, apart, for their coverage (eligible).
{% set partitioning = ['gender', 'age_band', 'immigration_category', 'official_language', 'community_size',
                       'gender_x_immigration_category'] %}
with

{# Both layers on one row: the rates (suppressed) and their coverage (coverage_suppressed:
   eligible), counted in one pass over the groups rather than as two sets of rows (half the
   time on a national warehouse, where this test gates the marts read after the rates). #}
rates as (

    select outcome, period, agency_code, breakdown, breakdown_value, suppressed as rate, coverage_suppressed as coverage
    from {{ ref('fct_outcome_rates') }}

),

{# A group is keyed by its columns (a column a kind does not key by is null), not by one
   text built for each of the millions of memberships of a national warehouse. #}
members as (

    {% for b in partitioning %}
    select 'values' as kind, outcome, period, agency_code, '{{ b }}' as part, null as part_value, rate, coverage
    from rates
    where breakdown in ('{{ b }}', 'all')
    union all
    {% endfor %}
    {% for margin, part in [('gender', 1), ('immigration_category', 2)] %}
    select 'margins', outcome, period, agency_code, '{{ margin }}',
        case when breakdown = '{{ margin }}' then breakdown_value else split_part(breakdown_value, '|', {{ part }}) end,
        rate, coverage
    from rates
    where breakdown in ('{{ margin }}', 'gender_x_immigration_category')
    union all
    {% endfor %}
    select 'agencies', outcome, period, null, breakdown, breakdown_value, rate, coverage
    from rates
    union all
    select 'periods', outcome, null, agency_code, breakdown, breakdown_value, rate, coverage
    from rates

),

groups as (

    select kind, outcome, period, agency_code, part, part_value, count(*) as members,
        count_if(rate) as rate_suppressed, count_if(coverage) as coverage_suppressed
    from members
    group by all

)

{# A group of one member is a total with no parts in it (an outcome the catalogue does not
   break down that way): nothing to recover. #}
select kind, concat_ws('/', layer || ':' || outcome, period, agency_code, part, part_value) as group_id, members
from (
    select *, 'rate' as layer from groups where members > 1 and rate_suppressed = 1
    union all
    select *, 'coverage' as layer from groups where members > 1 and coverage_suppressed = 1
)
