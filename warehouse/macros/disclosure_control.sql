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

    How it runs: each member's place in its group's written order does not depend on the flags,
    so it is ranked once (groups, tables and table keys numbered, not keyed by their long texts),
    beside the member's primary flag, so that a pass joins only the cells picked so far.
    Suppression only grows: a group that picked in its family's pass has two suppressed members
    from then on, and after a rectangle pass every suppressed cell of its tables is on a
    suppressed rectangle.  So from the second round on, a pass looks only at the groups (or
    tables) holding a cell suppressed in the last len(families) passes, where the result can
    change, and carries the cells it picks, not every cell's flag.  The flags are those of the
    full passes; at national scale it is several times faster and stays within DuckDB's memory
    limit (bench/findings.md).

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

    Given `changed` and `previous_picks` (the last build's record, `with_picks` having kept
    it), the passes are replayed: only the groups and tables where the result can differ from
    the last build's are evaluated again (macros/suppression_replay.sql).  `with_picks` adds
    the record, `suppression_picks`, to the result.

    Given `member_keys`, the memberships carry their groups by number already and each member's
    `present`, its primary flag (the column `member_suppressed` names) and the columns `order_by`
    names, and `tables` its tables, rows and columns by number (the keys numbered in their order)
    with `present`, the flag and the column `cost` names, so that neither the groups are numbered
    nor the cells joined again; `member_keys(ids)`
    gives the groups of the cells of the query `ids` with their keys as text (cell_id, family, gid,
    group_id), which the record of picks holds (int_outcome_rates_controlled).

    `cells` must have an integer `cell_id`, a boolean `suppressed` (after primary
    suppression), and the columns `order_by` and `cost` name; `cost` is a count (an integer,
    never null or negative), packed with the keys into one number to order rectangles.  Groups are keyed by `group_id`
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


{#- The groups of `memberships` by number, as the CTE `<name>_memberships` (family, gid, cell_id,
    is_total): a mart that controls the same cells twice (by two counts) numbers them once, in its
    own `with`, and passes `numbered=name` to both calls. -#}
{% macro numbered_memberships(name, memberships, families) -%}
    {#- Groups by number, not by their long text keys: the passes read them many times. #}
    {{ name }}_groups as materialized (

        select family, group_id, row_number() over () as gid
        from (select distinct family, group_id from {{ memberships }} where family in ('{{ families | join("', '") }}'))

    ),

    {{ name }}_memberships as materialized (

        select m.family, g.gid, m.cell_id, m.is_total
        from {{ memberships }} as m
        inner join {{ name }}_groups as g on g.family = m.family and g.group_id = m.group_id

    ),
{%- endmacro %}


{% macro complementary_suppression(cells, memberships, families, order_by, rounds,
                                   tables=none, table_families=[], cost=none, numbered=none,
                                   changed=none, previous_picks=none, with_picks=false,
                                   member_keys=none, member_suppressed=none) -%}
    {%- set n = families | length -%}
    {%- set numbered_name = numbered if numbered else 'cs' -%}
    {%- set carried = member_keys is not none -%}
    {%- set order_columns = order_by.split(',') | map('trim') | reject('equalto', 'is_total') | list -%}
    {%- set replay = previous_picks is not none -%}
    {%- set group_families = families | reject('in', table_families) | list -%}
    with
    {% if not numbered and not carried %}
    {{ numbered_memberships('cs', memberships, families) }}
    {% endif %}
    {% if replay %}
    {#- Replayed (see suppression_replay.sql): every member of a family by group with its
        primary flag and the columns of the written order, ghosts of the last build's cells
        included (not present), ranked only in the groups a pass evaluates again. #}
    {% for family in group_families %}
    cs_in_{{ family }} as materialized (

        {% if carried %}
        select gid, cell_id, is_total, present, {{ member_suppressed }} as primary_suppressed,
            {{ order_columns | join(', ') }}
        from {{ memberships }}
        where family = '{{ family }}'
        {% else %}
        select m.gid, m.cell_id, m.is_total, c.cell_id is not null as present, c.suppressed as primary_suppressed,
            {% for column in order_columns %}c.{{ column }}{% if not loop.last %}, {% endif %}{% endfor %}
        from {{ numbered_name }}_memberships as m
        left join {{ cells }} as c using (cell_id)
        where m.family = '{{ family }}'
        {% endif %}

    ),
    {% endfor %}
    {% else %}
    {#- Each member's place in its group's written order: it does not depend on the flags, so it
        is ranked once; a pass picks the unsuppressed member with the lowest place.  cell_id last
        only makes ties (none in the marts' orders) come out the same in every pass. #}
    {% for family in group_families %}
    cs_ranked_{{ family }} as materialized (

        {% if carried %}
        select gid, cell_id, {{ member_suppressed }} as primary_suppressed,
            row_number() over (partition by gid order by {{ order_by }}, cell_id) as member_rank
        from {{ memberships }}
        where family = '{{ family }}' and present
        {% else %}
        select m.gid, m.cell_id, c.suppressed as primary_suppressed,
            row_number() over (partition by m.gid order by {{ order_by }}, m.cell_id) as member_rank
        from {{ numbered_name }}_memberships as m
        inner join {{ cells }} as c using (cell_id)
        where m.family = '{{ family }}'
        {% endif %}

    ),
    {% endfor %}
    {% endif %}
    {% if table_families and carried %}
    {#- Carried: the tables, rows and columns come numbered, the keys in their own order. #}
    cs_tables as materialized (

        select family, table_id, row_key, col_key, cell_id, {{ cost }} as cost, {{ member_suppressed }} as primary_suppressed
        from {{ tables }}
        where family in ('{{ table_families | join("', '") }}') and present

    ),
    {% elif table_families %}
    {#- Tables, rows and columns by number too: every rectangle pass joins them three times.  The
        keys are numbered in their own order, which breaks ties between rectangles. #}
    cs_table_ids as materialized (

        select table_id, row_number() over () as tid
        from (select distinct table_id from {{ tables }} where family in ('{{ table_families | join("', '") }}'))

    ),

    cs_table_keys as materialized (

        select key, row_number() over (order by key) as kid
        from (select row_key as key from {{ tables }} union select col_key from {{ tables }})

    ),

    cs_tables as materialized (

        select t.family, i.tid as table_id, r.kid as row_key, k.kid as col_key, t.cell_id, {{ cost }} as cost,
            c.suppressed as primary_suppressed
        from {{ tables }} as t
        inner join cs_table_ids as i using (table_id)
        inner join cs_table_keys as r on r.key = t.row_key
        inner join cs_table_keys as k on k.key = t.col_key
        inner join {{ cells }} as c using (cell_id)
        where t.family in ('{{ table_families | join("', '") }}')

    ),
    {% endif %}
    {% if replay %}
    {{ replay_inputs(changed, previous_picks, numbered_name, families, table_families, tables, member_keys) }}
    {% endif %}
    cs_picked_0 as (select cell_id from {{ cells }} where false),
    {% for round in range(1, rounds + 1) %}
    {% for family in families %}
    {% set k = (round - 1) * n + loop.index %}
    {#- The flags as the previous pass left them, for the cells this pass looks at. #}
    {% set flag = '(s.primary_suppressed or p.cell_id is not null)' %}
    {% set flags_join = 'left join cs_picked_' ~ (k - 1) ~ ' as p using (cell_id)' %}
    {% if round > 1 %}
    {#- Suppression only grows, so a group picks again only once a member has been suppressed
        since this family's last pass: the cells picked in the last n passes. #}
    cs_delta_{{ k }} as (
        {% for j in range(k - n, k) %}
        select cell_id from cs_new_{{ j }}{% if not loop.last %} union all{% endif %}
        {% endfor %}
    ),
    {% endif %}
    {% if replay %}
    {{ replay_dirty(k, family, family in table_families) }}
    {% endif %}
    {% if family in table_families %}
    cs_flags_{{ k }} as (

        select s.table_id, s.row_key, s.col_key, s.cell_id, s.cost, {{ flag }} as suppressed
        from cs_tables as s
        {{ flags_join }}
        where s.family = '{{ family }}'
        {% if round > 1 %}
            and s.table_id in (
                select table_id from cs_tables where family = '{{ family }}' and cell_id in (select cell_id from cs_delta_{{ k }})
            )
        {% endif %}
        {% if replay %}
            and s.table_id in (select gid from cs_dirty_{{ k }})
        {% endif %}

    ),
    {{ rectangles('cs_' ~ k, 'cs_flags_' ~ k) }}
    cs_found_{{ k }} as materialized (
        select table_id as gid, cell_id from cs_{{ k }}_picked
        {% if replay %}{{ replay_kept(k) }}{% endif %}
    ),
    {% else %}
    {% if replay %}
    {#- The members of the groups this pass evaluates, with their place in the written order
        as a row of its columns (`order_by` names columns only, ascending), compared whole. #}
    {#- Filtered before the join to the picks so far: DuckDB otherwise joined every member first. #}
    cs_members_{{ k }} as (

        select s.gid, s.cell_id, {{ flag }} as suppressed, row({{ order_by }}, s.cell_id) as member_rank
        from (
            select * from cs_in_{{ family }}
            where present and gid in (select gid from cs_dirty_{{ k }})
            {% if round > 1 %}
                and gid in (select gid from cs_in_{{ family }} where cell_id in (select cell_id from cs_delta_{{ k }}))
            {% endif %}
        ) as s
        {{ flags_join }}

    ),
    {% else %}
    {% set ranked = 'cs_ranked_' ~ family %}
    cs_members_{{ k }} as (

        select s.gid, s.cell_id, s.member_rank, {{ flag }} as suppressed
        from {{ ranked }} as s
        {{ flags_join }}
        {% if round > 1 %}
        where s.gid in (select gid from {{ ranked }} where cell_id in (select cell_id from cs_delta_{{ k }}))
        {% endif %}

    ),
    {% endif %}

    {#- A group with exactly one suppressed member gives it back by subtraction: its first
        unsuppressed member in the written order is suppressed too. #}
    cs_found_{{ k }} as materialized (

        select gid, arg_min(cell_id, member_rank) filter (where not suppressed) as cell_id
        from cs_members_{{ k }}
        group by gid
        having count_if(suppressed) = 1 and count_if(not suppressed) > 0
        {% if replay %}{{ replay_kept(k) }}{% endif %}

    ),
    {% endif %}
    cs_new_{{ k }} as materialized (select distinct cell_id from cs_found_{{ k }}),
    {% if replay %}
    {{ replay_flipped(k) }}
    {% endif %}
    cs_picked_{{ k }} as materialized (

        select cell_id from cs_picked_{{ k - 1 }}
        union
        select cell_id from cs_new_{{ k }}

    ),
    {% endfor %}
    {% endfor %}
    {% if with_picks %}
    {{ picks_by_cell(rounds, families, table_families, numbered_name, member_keys) }}
    {% endif %}
    complementary_suppression_result as (

        select c.* replace (c.suppressed or p.cell_id is not null as suppressed)
            {%- if with_picks %}, coalesce(k.picks, []) as suppression_picks{% endif %}
        from {{ cells }} as c
        left join cs_picked_{{ rounds * n }} as p using (cell_id)
        {% if with_picks %}left join cs_picks as k using (cell_id){% endif %}

    )
    select * from complementary_suppression_result
{%- endmacro %}


{#- The cells a rectangle pass suppresses, as the CTE `<step>_picked` (table_id, cell_id; see
    above): `flags` holds (table_id, row_key, col_key, cell_id, cost, suppressed) for the tables
    this pass looks at. -#}
{% macro rectangles(step, flags) -%}
    {#- A table with no unsuppressed cell has nothing to add (its every rectangle is suppressed
        whole), and one with no suppressed cell has no corner: neither is joined. #}
    {{ step }}_mixed as (

        select * from {{ flags }}
        where table_id in (
            select table_id from {{ flags }} group by table_id having bool_or(suppressed) and bool_or(not suppressed)
        )

    ),

    {{ step }}_corners as (

        {# every rectangle through a suppressed cell a: b on its row, c on its column, d opposite #}
        select
            a.table_id,
            a.cell_id as corner_of,
            b.cell_id as b_id, c.cell_id as c_id, d.cell_id as d_id,
            b.suppressed as b_suppressed, c.suppressed as c_suppressed, d.suppressed as d_suppressed,
            (case when b.suppressed then 0 else b.cost end) + (case when c.suppressed then 0 else c.cost end)
                + (case when d.suppressed then 0 else d.cost end) as added_cost,
            (not b.suppressed)::int + (not c.suppressed)::int + (not d.suppressed)::int as added_cells,
            c.row_key as other_row, b.col_key as other_col
        from {{ step }}_mixed as a
        inner join {{ step }}_mixed as b
            on b.table_id = a.table_id and b.row_key = a.row_key and b.col_key <> a.col_key
        inner join {{ step }}_mixed as c
            on c.table_id = a.table_id and c.col_key = a.col_key and c.row_key <> a.row_key
        inner join {{ step }}_mixed as d
            on d.table_id = a.table_id and d.row_key = c.row_key and d.col_key = b.col_key
        where a.suppressed

    ),

    {#- One pass over the corners: a cell already on a rectangle of four suppressed cells needs
        none; otherwise it takes its cheapest rectangle.  The written order (cost, new cells, row,
        column; row and column make it total) is packed into one integer, so that the pick is a
        plain arg_min: costs are counts (never null or negative) and keys are numbered under 2^31. #}
    {{ step }}_ordered as (

        select *, ((added_cost::hugeint * 4 + added_cells) * 2147483648 + other_row) * 2147483648 + other_col as place
        from {{ step }}_corners

    ),

    {{ step }}_chosen as (

        select
            table_id,
            corner_of,
            arg_min(b_id, place) as b_id, arg_min(b_suppressed, place) as b_suppressed,
            arg_min(c_id, place) as c_id, arg_min(c_suppressed, place) as c_suppressed,
            arg_min(d_id, place) as d_id, arg_min(d_suppressed, place) as d_suppressed
        from {{ step }}_ordered
        group by table_id, corner_of
        having min(added_cells) > 0

    ),

    {{ step }}_picked as (

        select table_id, b_id as cell_id from {{ step }}_chosen where not b_suppressed
        union
        select table_id, c_id from {{ step }}_chosen where not c_suppressed
        union
        select table_id, d_id from {{ step }}_chosen where not d_suppressed

    ),
{%- endmacro %}
