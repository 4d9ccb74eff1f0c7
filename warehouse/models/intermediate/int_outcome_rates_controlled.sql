-- The cells of int_outcome_cells under disclosure control, as fct_outcome_rates publishes them,
-- with what the next build needs to replay the control (macros/suppression_replay.sql): each
-- cell's primary flags and counts, and which group picked it in which pass.  docs/measures.md
-- states the rules.  Not for publication: fct_outcome_rates leaves out the control's columns.
{#- Two of DuckDB's optimizers, off for this model: projection_pullup takes seconds on a query of
    this many CTEs (two controls of 40 passes; 1.2 of 2.3 s of the replay on a small region),
    whatever the data; build_side_probe_side builds a replayed pass's hash table on every member
    of a family and probes it with the few groups the pass evaluates (27 s against 10 s for the
    replay on a national warehouse; bench/findings.md).  The setting is global in DuckDB, not
    per connection, so it is restored after. #}
{{ config(
    pre_hook=["set disabled_optimizers = 'projection_pullup,build_side_probe_side'", "{{ record_control_replay(outcome_rates_control_columns()) }}"],
    post_hook="reset disabled_optimizers") }}
{% set partitioning = ['gender', 'age_band', 'immigration_category', 'official_language', 'community_size',
                       'gender_x_immigration_category'] %}
{% set families = ['values', 'margins', 'tables', 'agencies', 'periods'] %}
{% set key = ['outcome', 'period', 'agency_code', 'breakdown', 'breakdown_value'] %}
{% set rules = suppression_rules() %}
{% set previous = previous_suppression_state(rules, outcome_rates_control_columns()) %}
with

now_cells as (

    select *, {{ primary_suppression('denominator', 'numerator') }} as rate_primary
    from {{ ref('int_outcome_cells') }}

),

{# The cells now and, on a build after one that kept them, those of the last build no longer
   here (ghosts: their groups lost a member), with what the last build's controls read of each. #}
universe as (

    {% if previous %}
    select
        row_number() over () as cell_id,
        {% for column in key %}coalesce(n.{{ column }}, o.{{ column }}) as {{ column }},{% endfor %}
        n.* exclude ({{ key | join(', ') }}),
        n.outcome is not null as present,
        o.outcome is null or n.outcome is null as added_or_removed,
        o.rate_primary as last_rate_primary,
        o.cell_denominator as last_denominator,
        o.coverage_primary as last_coverage_primary,
        o.cell_eligible as last_eligible
    from now_cells as n
    full join (
        select {{ key | join(', ') }}, rate_primary, cell_denominator, coverage_primary, cell_eligible
        from {{ previous }}
    ) as o
        on {% for column in key %}o.{{ column }} = n.{{ column }}{% if not loop.last %} and {% endif %}{% endfor %}
    {% else %}
    select row_number() over () as cell_id, *, true as present
    from now_cells
    {% endif %}

),

{% if previous %}
{# What the last build's passes picked, by cell (a few in a hundred cells). #}
last_picks as materialized (

    select u.cell_id, o.rate_picks, o.coverage_picks
    from (select * from {{ previous }} where len(rate_picks) > 0 or len(coverage_picks) > 0) as o
    inner join universe as u
        on {% for column in key %}u.{{ column }} = o.{{ column }}{% if not loop.last %} and {% endif %}{% endfor %}

),

ghosts as (select cell_id from universe where not present),
{% endif %}

cells as (

    select * exclude (present), rate_primary as suppressed
    from universe
    where present

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
   Target groups overlap (a client can be a woman and a refugee), so they form no group.
   Ghosts are members too: a group that lost one is evaluated again. #}
memberships as (

    select cell_id, 'values' as family, concat_ws(chr(31), outcome, period, agency_code, breakdown) as group_id,
        false as is_total
    from universe
    where breakdown in ('{{ partitioning | join("', '") }}')
    union all
    select c.cell_id, 'values', concat_ws(chr(31), c.outcome, c.period, c.agency_code, p.breakdown), true
    from universe as c
    cross join (select unnest(['{{ partitioning | join("', '") }}']) as breakdown) as p
    where c.breakdown = 'all'
    union all
    {% for margin, part in [('gender', 1), ('immigration_category', 2)] %}
    select cell_id, 'margins', concat_ws(chr(31), outcome, period, agency_code, '{{ margin }}',
            split_part(breakdown_value, '|', {{ part }})), false
    from universe
    where breakdown = 'gender_x_immigration_category'
    union all
    select cell_id, 'margins', concat_ws(chr(31), outcome, period, agency_code, '{{ margin }}', breakdown_value), true
    from universe
    where breakdown = '{{ margin }}'
    union all
    {% endfor %}
    select cell_id, 'agencies', concat_ws(chr(31), outcome, period, breakdown, breakdown_value), agency_code = 'ALL'
    from universe
    union all
    select cell_id, 'periods', concat_ws(chr(31), outcome, agency_code, breakdown, breakdown_value), period = 'all'
    from universe

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
    from universe
    where breakdown in ('all', 'gender', 'immigration_category', 'gender_x_immigration_category')

),

{# Both controls below (the rate's, then the coverage's) read the same groups: numbered once. #}
{{ numbered_memberships('groups', 'memberships', families) }}

{% if previous %}
{# A cell changed for the rate's control when it is new, gone, or its primary flag or its
   denominator (the order and cost of the passes) is not the last build's. #}
rate_changed as (

    select cell_id from cells
    where added_or_removed or rate_primary <> last_rate_primary or denominator <> last_denominator
    union all
    select cell_id from ghosts

),
{% endif %}

{# The written order: in each round, values, margins, tables, agencies, then periods.  In a
   group, the unsuppressed member with the smallest denominator, parts before the total,
   then by breakdown value, agency and period; in a table, the cheapest rectangle by
   denominators (macro complementary_suppression). #}
controlled as (

    {{ outcome_rates_control('cells', 'denominator', 'rate', families, replay=previous is not none) }}

),

{# Coverage (denominator / eligible) is published where the rate is and its own counts pass
   the same rules: eligible read as a population and the denominator as its part, so those
   not covered (eligible - denominator) are 0 or at least the threshold.  Complementary
   suppression then runs again over the same groups, by eligible, so that no suppressed
   eligible can be recovered from a total (the rate's own pattern is already closed). #}
coverage_cells as (

    select
        * exclude (suppression_picks) replace (coalesce(
            suppressed or {{ primary_suppression('eligible', 'denominator') }}, true
        ) as suppressed),
        coalesce(suppressed or {{ primary_suppression('eligible', 'denominator') }}, true) as coverage_primary,
        suppressed as rate_suppressed,
        suppression_picks as rate_picks
    from controlled

),

{% if previous %}
{# The same for the coverage's control: its primary flag or eligible. #}
coverage_changed as (

    select cell_id from coverage_cells
    where added_or_removed or coverage_primary <> last_coverage_primary or eligible <> last_eligible
    union all
    select cell_id from ghosts

),
{% endif %}

coverage_controlled as (

    {{ outcome_rates_control('coverage_cells', 'eligible', 'coverage', families, replay=previous is not none) }}

),

final as (

    select
        {{ key | join(', ') }},
        unit,
        rate_suppressed as suppressed,
        cast(case when not rate_suppressed then numerator end as bigint) as numerator,
        cast(case when not rate_suppressed then denominator end as bigint) as denominator,
        cast(case when not rate_suppressed then rate end as double) as rate,
        cast(case when not rate_suppressed then ci_low end as double) as ci_low,
        cast(case when not rate_suppressed then ci_high end as double) as ci_high,
        suppressed as coverage_suppressed,
        cast(case when not suppressed then eligible end as bigint) as eligible,
        cast(case when not suppressed then coverage end as double) as coverage,
        rate_primary,
        denominator::bigint as cell_denominator,
        rate_picks,
        coverage_primary,
        eligible::bigint as cell_eligible,
        suppression_picks as coverage_picks,
        '{{ rules }}' as suppression_rules
    from coverage_controlled

)

select * from final
