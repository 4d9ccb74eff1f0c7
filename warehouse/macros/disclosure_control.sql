{#-
    Disclosure control: the one implementation every mart that publishes counts calls.
    docs/measures.md ("Disclosure control") states the rules; the marts' unit tests pin them.

    primary_suppression: a cell is suppressed when the population it counts (`denominator`)
    is under the threshold (var suppression_threshold), or when the count of those with the
    outcome (`numerator`, if any) is between 1 and the threshold minus 1.  For a proportion,
    also when those without it (denominator - numerator) are between 1 and the threshold
    minus 1, and when all or none of a group under var whole_group_threshold have it (0/N
    and N/N say something about every member).  A null numerator (a median) is checked on
    its denominator only.

    complementary_suppression: groups of cells add up (the parts of a group to its total),
    so a group with exactly one suppressed member would give that member back by
    subtraction.  `memberships` is a relation of (cell_id, family, group_id, is_total): one
    row per group a cell belongs to.  Families are processed in the order given, once per
    round, for `rounds` rounds; within a family, every group with exactly one suppressed
    member has one more member suppressed: the first unsuppressed one in `order_by` (the
    mart's written tie-break, after `not suppressed`).  All groups of a family are resolved
    at once from the flags left by the previous family, so the result depends on the order of
    the families and on `order_by` only, both written in the calling mart.  The marts' tests
    (no group left with a lone suppressed member) check that the rounds were enough.

    A group rule leaves no lone suppressed member, but in a two-way table with its margins a
    pattern can still give a cell back through several lines at once (a cell that lies on no
    cycle of suppressed cells).  `tables` is a relation of (cell_id, family, table_id,
    row_key, col_key): the cells of two-way tables, margins included (a margin's key on the
    other axis is '*').  A family named in `table_families` is resolved by rectangles: each
    suppressed cell that is not a corner of a rectangle of four suppressed cells of its table
    gets the rectangle through it that costs least (the sum of `cost` of the cells it newly
    suppresses; then the fewest new cells; then by row and column keys) suppressed whole.
    Every suppressed cell of such a table then lies on a cycle, and no combination of the
    table's rows and columns fixes it.

    `cells` must have an integer `cell_id`, a boolean `suppressed` (after primary
    suppression), and the columns `order_by` and `cost` name.  Groups are keyed by `group_id`
    within a family.  The result is `cells` with `suppressed` updated.
-#}
{% macro primary_suppression(denominator, numerator=none, proportion=true) -%}
    {%- set threshold = var('suppression_threshold') -%}
    {%- set whole = var('whole_group_threshold') -%}
    ({{ denominator }} < {{ threshold }}
    {%- if numerator is not none %}
        or coalesce({{ numerator }} between 1 and {{ threshold - 1 }}, false)
        {%- if proportion %}
        or coalesce({{ denominator }} - {{ numerator }} between 1 and {{ threshold - 1 }}, false)
        or coalesce({{ numerator }} in (0, {{ denominator }}) and {{ denominator }} < {{ whole }}, false)
        {%- endif %}
    {%- endif %})
{%- endmacro %}


{% macro complementary_suppression(cells, memberships, families, order_by, rounds,
                                   tables=none, table_families=[], cost=none) -%}
    with
    {% set previous = namespace(name=cells) %}
    {% for round in range(1, rounds + 1) %}
    {% for family in families %}
    {% set step = 'round_' ~ round ~ '_' ~ family %}
    {% if family in table_families %}
    {{ rectangles(step, previous.name, tables, family, cost) }}
    {% else %}
    {{ step }}_picked as (

        select distinct cell_id
        from (
            select
                c.cell_id,
                c.suppressed,
                sum(case when c.suppressed then 1 else 0 end) over (partition by m.group_id) as group_suppressed,
                row_number() over (partition by m.group_id order by c.suppressed, {{ order_by }}) as candidate_rank
            from {{ memberships }} as m
            inner join {{ previous.name }} as c using (cell_id)
            where m.family = '{{ family }}'
        )
        where group_suppressed = 1 and candidate_rank = 1 and not suppressed

    ),
    {% endif %}

    {{ step }} as (

        select c.* replace (c.suppressed or p.cell_id is not null as suppressed)
        from {{ previous.name }} as c
        left join {{ step }}_picked as p using (cell_id)

    ),
    {% set previous.name = step %}
    {% endfor %}
    {% endfor %}
    complementary_suppression_result as (select * from {{ previous.name }})
    select * from complementary_suppression_result
{%- endmacro %}


{#- The cells a rectangle pass suppresses, as the CTE `<step>_picked` (see above). -#}
{% macro rectangles(step, previous, tables, family, cost) -%}
    {{ step }}_flags as (

        select t.table_id, t.row_key, t.col_key, c.cell_id, c.suppressed, {{ cost }} as cost
        from {{ tables }} as t
        inner join {{ previous }} as c using (cell_id)
        where t.family = '{{ family }}'

    ),

    {{ step }}_corners as (

        {# every rectangle through a suppressed cell a: b on its row, c on its column, d opposite #}
        select
            a.cell_id as corner_of,
            b.cell_id as b_id, c.cell_id as c_id, d.cell_id as d_id,
            b.suppressed as b_suppressed, c.suppressed as c_suppressed, d.suppressed as d_suppressed,
            (case when b.suppressed then 0 else b.cost end) + (case when c.suppressed then 0 else c.cost end)
                + (case when d.suppressed then 0 else d.cost end) as added_cost,
            (not b.suppressed)::int + (not c.suppressed)::int + (not d.suppressed)::int as added_cells,
            c.row_key as other_row, b.col_key as other_col
        from {{ step }}_flags as a
        inner join {{ step }}_flags as b
            on b.table_id = a.table_id and b.row_key = a.row_key and b.col_key <> a.col_key
        inner join {{ step }}_flags as c
            on c.table_id = a.table_id and c.col_key = a.col_key and c.row_key <> a.row_key
        inner join {{ step }}_flags as d
            on d.table_id = a.table_id and d.row_key = c.row_key and d.col_key = b.col_key
        where a.suppressed

    ),

    {{ step }}_chosen as (

        select * from {{ step }}_corners
        where corner_of not in (select corner_of from {{ step }}_corners where added_cells = 0)
        qualify row_number() over (
            partition by corner_of order by added_cost, added_cells, other_row, other_col
        ) = 1

    ),

    {{ step }}_picked as (

        select b_id as cell_id from {{ step }}_chosen where not b_suppressed
        union
        select c_id from {{ step }}_chosen where not c_suppressed
        union
        select d_id from {{ step }}_chosen where not d_suppressed

    ),
{%- endmacro %}
