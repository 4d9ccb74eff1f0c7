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
{% set families = ['values', 'margins', 'tables', 'agencies', 'periods'] %}
{% set key = ['outcome', 'period', 'agency_code', 'breakdown', 'breakdown_value'] %}
{% set rules = suppression_rules() %}
{% set previous = previous_suppression_state(rules, outcome_rates_control_columns()) %}
with

{# The coverage's own primary flag: eligible read as a population and the denominator as its part
   (coverage_cells says why), before the rate's flags are added to it. #}
now_cells as (

    select *, {{ primary_suppression('denominator', 'numerator') }} as rate_primary,
        coalesce({{ primary_suppression('eligible', 'denominator') }}, true) as coverage_own_primary
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

{# Every key column's texts numbered in their order (ghosts' keys included), so that a code
   orders as its text, and each cell with its codes. #}
{% set bits = outcome_rates_code_bits() %}
{{ outcome_rates_key_codes('outcome_codes', 'select outcome as text from universe', bits.outcome) }}
{{ outcome_rates_key_codes('period_codes', 'select period as text from universe', bits.period) }}
{{ outcome_rates_key_codes('agency_codes', 'select agency_code as text from universe', bits.agency) }}
{{ outcome_rates_key_codes('breakdown_codes', "select breakdown as text from universe union all select unnest(['"
                           ~ outcome_rates_partitioning() | join("', '") ~ "'])", bits.breakdown) }}
{{ outcome_rates_key_codes('value_codes', "select breakdown_value as text from universe union all "
                           ~ "select unnest(string_split(breakdown_value, '|')) from universe "
                           ~ "where breakdown = 'gender_x_immigration_category' union all select '*'", bits.value) }}

outcome_rates_partitions as (

    select text as part, code as part_code from breakdown_codes
    where text in ('{{ outcome_rates_partitioning() | join("', '") }}')

),

coded as materialized (

    select
        {{ key | join(', ') }}, u.cell_id, u.present, u.rate_primary, u.coverage_own_primary, u.denominator, u.eligible,
        o.code as _o, p.code as _p, a.code as _a, b.code as _b, v.code as _v, v1.code as _v1, v2.code as _v2
    from universe as u
    inner join outcome_codes as o on o.text = u.outcome
    inner join period_codes as p on p.text = u.period
    inner join agency_codes as a on a.text = u.agency_code
    inner join breakdown_codes as b on b.text = u.breakdown
    inner join value_codes as v on v.text = u.breakdown_value
    left join value_codes as v1
        on u.breakdown = 'gender_x_immigration_category' and v1.text = split_part(u.breakdown_value, '|', 1)
    left join value_codes as v2
        on u.breakdown = 'gender_x_immigration_category' and v2.text = split_part(u.breakdown_value, '|', 2)

),

{# The groups whose parts add up to a published total (macro outcome_rates_memberships), with
   what both controls read of each member, so that neither joins the cells again.  Ghosts are
   members too: a group that lost one is evaluated again. #}
members as materialized (

    {{ outcome_rates_memberships('coded', 'present, rate_primary, coverage_own_primary, denominator, eligible, '
                                 ~ '_v, _a, _p') }}

),

{# The two-way table of one (outcome, period, agency): gender (rows) by immigration category
   (columns), with the gender cells as its margin column, the immigration category cells as
   its margin row and the 'all' cell as its corner ('*' its key on the other axis).  Its rows
   and columns are the values and margins groups above, taken together.  Numbered as the groups
   are (outcome_rates_memberships), the keys by their codes, which order as their texts. #}
tables as materialized (

    select
        'tables' as family,
        {{ outcome_rates_table_number() }} as table_id,
        case breakdown when 'gender_x_immigration_category' then _v1 when 'gender' then _v else s.star end as row_key,
        case breakdown when 'gender_x_immigration_category' then _v2 when 'immigration_category' then _v else s.star end
            as col_key,
        cell_id, present, rate_primary, coverage_own_primary, denominator, eligible
    from coded
    cross join (select code as star from value_codes where text = '*') as s
    where breakdown in ('all', 'gender', 'immigration_category', 'gender_x_immigration_category')

),

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

    {{ outcome_rates_control('cells', 'members', 'tables', 'rate_primary', 'denominator', 'rate', families,
                             replay=previous is not none) }}

),

{# Coverage (denominator / eligible) is published where the rate is and its own counts pass
   the same rules: eligible read as a population and the denominator as its part, so those
   not covered (eligible - denominator) are 0 or at least the threshold.  Complementary
   suppression then runs again over the same groups, by eligible, so that no suppressed
   eligible can be recovered from a total (the rate's own pattern is already closed). #}
coverage_cells as (

    select
        * exclude (suppression_picks) replace (suppressed or coverage_own_primary as suppressed),
        suppressed or coverage_own_primary as coverage_primary,
        suppressed as rate_suppressed,
        suppression_picks as rate_picks
    from controlled

),

rate_picked as (select cell_id from controlled where suppressed and not rate_primary),

{# The groups' members and the tables' cells as the coverage's control reads them: suppressed
   where the rate is (its primary flag, or picked by its control) or where the coverage's own
   counts fail the rules. #}
{% for name, relation in [('coverage_members', 'members'), ('coverage_tables', 'tables')] %}
{{ name }} as (

    select r.* exclude (rate_primary, coverage_own_primary),
        r.rate_primary or r.coverage_own_primary or p.cell_id is not null as coverage_primary
    from {{ relation }} as r
    left join rate_picked as p using (cell_id)

),
{% endfor %}

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

    {{ outcome_rates_control('coverage_cells', 'coverage_members', 'coverage_tables', 'coverage_primary', 'eligible',
                             'coverage', families,
                             replay=previous is not none) }}

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
