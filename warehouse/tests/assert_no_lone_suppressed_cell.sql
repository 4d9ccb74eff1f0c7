-- Complementary suppression left no group of a published total and its parts with exactly
-- one suppressed member (which could be recovered by subtraction).  The groups are those of
-- fct_outcome_rates: the values of a partitioning breakdown with the breakdown 'all' cell;
-- the gender x immigration category cells of one gender (or one category) with that
-- gender's (category's) cell; the agencies of a breakdown value with the 'ALL' cell; the
-- quarters with the 'all' period.  For the rates and, apart, for their coverage (eligible).
{% set partitioning = ['gender', 'age_band', 'immigration_category', 'official_language', 'community_size',
                       'gender_x_immigration_category'] %}
with

{# Both layers: the rates (suppressed) and their coverage (coverage_suppressed: eligible). #}
rates as (

    select 'rate' as layer, outcome, period, agency_code, breakdown, breakdown_value, suppressed
    from {{ ref('fct_outcome_rates') }}
    union all
    select 'coverage', outcome, period, agency_code, breakdown, breakdown_value, coverage_suppressed
    from {{ ref('fct_outcome_rates') }}

),

{# A group is keyed by its columns (a column a kind does not key by is null), not by one
   text built for each of the 9 million memberships of a national warehouse. #}
members as (

    {% for b in partitioning %}
    select 'values' as kind, layer, outcome, period, agency_code, '{{ b }}' as part, null as part_value, suppressed
    from rates
    where breakdown in ('{{ b }}', 'all')
    union all
    {% endfor %}
    {% for margin, part in [('gender', 1), ('immigration_category', 2)] %}
    select 'margins', layer, outcome, period, agency_code, '{{ margin }}',
        case when breakdown = '{{ margin }}' then breakdown_value else split_part(breakdown_value, '|', {{ part }}) end,
        suppressed
    from rates
    where breakdown in ('{{ margin }}', 'gender_x_immigration_category')
    union all
    {% endfor %}
    select 'agencies', layer, outcome, period, null, breakdown, breakdown_value, suppressed
    from rates
    union all
    select 'periods', layer, outcome, null, agency_code, breakdown, breakdown_value, suppressed
    from rates

),

groups as (

    select kind, layer, outcome, period, agency_code, part, part_value, count(*) as members,
        count_if(suppressed) as suppressed_members
    from members
    group by all

)

{# A group of one member is a total with no parts in it (an outcome the catalogue does not
   break down that way): nothing to recover. #}
select kind, concat_ws('/', layer || ':' || outcome, period, agency_code, part, part_value) as group_id, members
from groups
where members > 1 and suppressed_members = 1
