-- Outcome rates under disclosure control: the cells of int_outcome_cells, with suppressed
-- cells keeping their row and no numbers.  docs/measures.md states the rules.
{% set partitioning = ['gender', 'age_band', 'immigration_category', 'official_language', 'community_size',
                       'gender_x_immigration_category'] %}
with

cells as (

    select
        row_number() over () as cell_id,
        *,
        {{ primary_suppression('denominator', 'numerator') }} as suppressed
    from {{ ref('int_outcome_cells') }}

),

{# The groups whose parts add up to a published total:
     values:   the values of one partitioning breakdown of an (outcome, period, agency) cell
               add up to its breakdown 'all' cell;
     margins:  the gender x immigration category cells of one gender add up to that gender's
               cell, and those of one immigration category to that category's cell;
     agencies: the agencies of an (outcome, period, breakdown value) add up to its 'ALL' cell;
     periods:  the quarters of an (outcome, agency, breakdown value) add up to its 'all'-period
               cell (exactly for referrals, whose units are records; in part for client-based
               outcomes, since most clients fall in one quarter).
   Target groups overlap (a client can be a woman and a refugee), so they form no group. #}
memberships as (

    select cell_id, 'values' as family, concat_ws(chr(31), outcome, period, agency_code, breakdown) as group_id,
        false as is_total
    from cells
    where breakdown in ('{{ partitioning | join("', '") }}')
    union all
    select c.cell_id, 'values', concat_ws(chr(31), c.outcome, c.period, c.agency_code, p.breakdown), true
    from cells as c
    cross join (select unnest(['{{ partitioning | join("', '") }}']) as breakdown) as p
    where c.breakdown = 'all'
    union all
    {% for margin, part in [('gender', 1), ('immigration_category', 2)] %}
    select cell_id, 'margins', concat_ws(chr(31), outcome, period, agency_code, '{{ margin }}',
            split_part(breakdown_value, '|', {{ part }})), false
    from cells
    where breakdown = 'gender_x_immigration_category'
    union all
    select cell_id, 'margins', concat_ws(chr(31), outcome, period, agency_code, '{{ margin }}', breakdown_value), true
    from cells
    where breakdown = '{{ margin }}'
    union all
    {% endfor %}
    select cell_id, 'agencies', concat_ws(chr(31), outcome, period, breakdown, breakdown_value), agency_code = 'ALL'
    from cells
    union all
    select cell_id, 'periods', concat_ws(chr(31), outcome, agency_code, breakdown, breakdown_value), period = 'all'
    from cells

),

{# The two-way table of one (outcome, period, agency): gender (rows) by immigration category
   (columns), with the gender cells as its margin column, the immigration category cells as
   its margin row and the 'all' cell as its corner.  Its rows and columns are the values and
   margins groups above, taken together. #}
tables as (

    select
        cell_id,
        'tables' as family,
        concat_ws(chr(31), outcome, period, agency_code) as table_id,
        case breakdown
            when 'gender_x_immigration_category' then split_part(breakdown_value, '|', 1)
            when 'gender' then breakdown_value
            else '*'
        end as row_key,
        case breakdown
            when 'gender_x_immigration_category' then split_part(breakdown_value, '|', 2)
            when 'immigration_category' then breakdown_value
            else '*'
        end as col_key
    from cells
    where breakdown in ('all', 'gender', 'immigration_category', 'gender_x_immigration_category')

),

{# Both controls below (the rate's, then the coverage's) read the same groups: numbered once. #}
{{ numbered_memberships('groups', 'memberships', ['values', 'margins', 'tables', 'agencies', 'periods']) }}

{# The written order: in each round, values, margins, tables, agencies, then periods.  In a
   group, the unsuppressed member with the smallest denominator, parts before the total,
   then by breakdown value, agency and period; in a table, the cheapest rectangle by
   denominators (macro complementary_suppression). #}
controlled as (

    {{ complementary_suppression(
        'cells', 'memberships', ['values', 'margins', 'tables', 'agencies', 'periods'],
        order_by='denominator, is_total, breakdown_value, agency_code, period',
        rounds=var('suppression_rounds', 8),
        tables='tables', table_families=['tables'], cost='c.denominator', numbered='groups') }}

),

{# Coverage (denominator / eligible) is published where the rate is and its own counts pass
   the same rules: eligible read as a population and the denominator as its part, so those
   not covered (eligible - denominator) are 0 or at least the threshold.  Complementary
   suppression then runs again over the same groups, by eligible, so that no suppressed
   eligible can be recovered from a total (the rate's own pattern is already closed). #}
coverage_cells as (

    select
        * replace (coalesce(
            suppressed or {{ primary_suppression('eligible', 'denominator') }}, true
        ) as suppressed),
        suppressed as rate_suppressed
    from controlled

),

coverage_controlled as (

    {{ complementary_suppression(
        'coverage_cells', 'memberships', ['values', 'margins', 'tables', 'agencies', 'periods'],
        order_by='eligible, is_total, breakdown_value, agency_code, period',
        rounds=var('suppression_rounds', 8),
        tables='tables', table_families=['tables'], cost='c.eligible', numbered='groups') }}

),

final as (

    select
        outcome,
        period,
        agency_code,
        breakdown,
        breakdown_value,
        unit,
        rate_suppressed as suppressed,
        cast(case when not rate_suppressed then numerator end as bigint) as numerator,
        cast(case when not rate_suppressed then denominator end as bigint) as denominator,
        cast(case when not rate_suppressed then rate end as double) as rate,
        cast(case when not rate_suppressed then ci_low end as double) as ci_low,
        cast(case when not rate_suppressed then ci_high end as double) as ci_high,
        suppressed as coverage_suppressed,
        cast(case when not suppressed then eligible end as bigint) as eligible,
        cast(case when not suppressed then coverage end as double) as coverage
    from coverage_controlled

)

select * from final
