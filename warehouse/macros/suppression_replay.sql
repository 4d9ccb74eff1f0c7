{#-
    Complementary suppression replayed from the last build (complementary_suppression with
    `changed` and `previous_picks`): the same flags as a full run of the passes, computed again
    only in the groups where they can differ.

    A pass's pick in a group (or a rectangle pass's in a table) depends only on the group's
    members, their primary flags, the columns of the written order and cost, and the flags the
    passes before left them.  The last build kept, for every cell, those columns and which
    group picked it in which pass.  So in each pass, a group none of whose members changed
    (a cell added, gone, or with another primary flag or count), and none of whose members'
    flags differ so far from the last build's at the same pass, picks what it picked then; the
    other groups (dirty) are evaluated again.  A cell's flag differs after pass k only if it was
    changed or picked in some pass up to k in one build and not the other (flipped), so the
    dirty groups of a pass are those holding a changed or flipped cell.  The picks of a pass
    are the kept ones and the dirty groups' own, which is what a full run would pick: the
    result, the picks included, equals a full run's (tests/test_incremental.py).

    `changed`: the cells (cell_id) that are new, or whose primary flag or columns of the order or
    cost are not the last build's, and the last build's cells no longer here, which the
    memberships and tables hold too (their groups lost a member).  `previous_picks`: the cells
    the last build picked (cell_id, picks), `picks` a list of struct(pass, family, group_key),
    group_key the group's group_id or the table's table_id.  `order_by` names columns only,
    ascending.
-#}
{% macro replay_inputs(changed, previous, numbered_name, families, table_families, tables, member_keys=none) -%}
    cs_changed as materialized (select cell_id from {{ changed }}),

    {#- What each pass of the last build picked, by group (or table) number of this build. #}
    cs_previous as materialized (

        select p.pass, g.gid, p.cell_id
        from (select cell_id, unnest(picks, recursive := true) from {{ previous }}) as p
        {% if member_keys is not none %}
        inner join ({{ member_keys('select cell_id from ' ~ previous) }}) as g
            on g.cell_id = p.cell_id and g.family = p.family and g.group_id = p.group_key
        {% else %}
        inner join {{ numbered_name }}_groups as g on g.family = p.family and g.group_id = p.group_key
        {% endif %}
        {% if table_families and member_keys is none %}
        union all
        select p.pass, t.tid, p.cell_id
        from (select cell_id, unnest(picks, recursive := true) from {{ previous }}) as p
        inner join cs_table_ids as t on t.table_id = p.group_key
        where p.family in ('{{ table_families | join("', '") }}')
        {% endif %}

    ),

    {% for family in families %}
    {#- The groups a changed cell is in, dirty in every pass. #}
    cs_dirty_base_{{ family }} as materialized (
        {% if family in table_families and member_keys is not none %}
        select distinct table_id as gid
        from {{ tables }}
        where family = '{{ family }}' and cell_id in (select cell_id from cs_changed)
        {% elif family in table_families %}
        select distinct i.tid as gid
        from {{ tables }} as t
        inner join cs_table_ids as i using (table_id)
        where t.family = '{{ family }}' and t.cell_id in (select cell_id from cs_changed)
        {% else %}
        select distinct gid from cs_in_{{ family }} where cell_id in (select cell_id from cs_changed)
        {% endif %}
    ),
    {% endfor %}

    cs_flipped_0 as (select cell_id from cs_changed where false),
{%- endmacro %}


{#- The groups (or tables) of pass k's family evaluated again, as cs_dirty_<k>. -#}
{% macro replay_dirty(k, family, is_table) -%}
    cs_dirty_{{ k }} as materialized (

        select gid from cs_dirty_base_{{ family }}
        union
        {% if is_table %}
        select table_id from cs_tables
        where family = '{{ family }}' and cell_id in (select cell_id from cs_flipped_{{ k - 1 }})
        {% else %}
        select gid from cs_in_{{ family }} where cell_id in (select cell_id from cs_flipped_{{ k - 1 }})
        {% endif %}

    ),
{%- endmacro %}


{#- Added to pass k's picks: the last build's, in the groups that are not dirty. -#}
{% macro replay_kept(k) -%}
        union all
        select gid, cell_id from cs_previous
        where pass = {{ k }} and gid not in (select gid from cs_dirty_{{ k }})
{%- endmacro %}


{#- The cells whose flag may differ from the last build's after pass k, as cs_flipped_<k>. -#}
{% macro replay_flipped(k) -%}
    cs_flipped_{{ k }} as materialized (

        select cell_id from cs_flipped_{{ k - 1 }}
        union
        select cell_id from (
            select cell_id from cs_new_{{ k }}
            except
            select cell_id from cs_previous where pass = {{ k }}
        )
        union
        select cell_id from (
            select cell_id from cs_previous where pass = {{ k }}
            except
            select cell_id from cs_new_{{ k }}
        )

    ),
{%- endmacro %}


{#- Every pick of this run, per cell, as the next build's `previous` reads them: cs_picks
    (cell_id, picks), in a fixed order so that a replayed build stores what a full one does. -#}
{% macro picks_by_cell(rounds, families, table_families, numbered_name, member_keys=none) -%}
    {%- set n = families | length -%}
    cs_found as (
        {% for round in range(1, rounds + 1) %}
        {% for family in families %}
        {% set k = (round - 1) * n + loop.index %}
        select {{ k }} as pass, '{{ family }}' as family, gid, cell_id from cs_found_{{ k }}
        {% if not (loop.last and round == rounds) %}union all{% endif %}
        {% endfor %}
        {% endfor %}
    ),

    cs_picks as (

        select f.cell_id,
            list({'pass': f.pass, 'family': f.family, 'group_key': coalesce(g.group_id, t.table_id)}
                order by f.pass, f.family, coalesce(g.group_id, t.table_id)) as picks
        from cs_found as f
        {% if member_keys is not none %}
        left join ({{ member_keys('select cell_id from cs_found') }}) as g
            on g.cell_id = f.cell_id and g.family = f.family and g.gid = f.gid
        {% else %}
        left join {{ numbered_name }}_groups as g on g.family = f.family and g.gid = f.gid
        {% endif %}
        {% if table_families and member_keys is none %}
        left join cs_table_ids as t on f.family in ('{{ table_families | join("', '") }}') and t.tid = f.gid
        {% else %}
        left join (select null::varchar as table_id, null::bigint as tid) as t on false
        {% endif %}
        group by f.cell_id

    ),
{%- endmacro %}


{#- The rules a control ran under, kept beside its picks: a replay is valid only under the same. -#}
{% macro suppression_rules() -%}
    {{ return('threshold=' ~ var('suppression_threshold') ~ ' whole_group=' ~ var('whole_group_threshold')
              ~ ' rounds=' ~ var('suppression_rounds', 8)) }}
{%- endmacro %}


{#- The model's own table as the last build left it, when this build may replay from it: a build
    or a compile of it (not a unit test, which has no table behind `this`), no --full-refresh,
    the table there with the control's `columns` (among them suppression_rules), every row
    controlled under `rules`.  Otherwise none: a full run. -#}
{% macro previous_suppression_state(rules, columns) -%}
    {%- if not execute or flags.WHICH not in ('build', 'run', 'compile') or model.resource_type != 'model'
          or flags.FULL_REFRESH -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set relation = load_relation(this) -%}
    {%- if relation is none -%}{{ return(none) }}{%- endif -%}
    {%- set held = adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
    {%- for needed in columns -%}
        {%- if needed not in held -%}{{ return(none) }}{%- endif -%}
    {%- endfor -%}
    {%- set other = run_query("select count(*) from " ~ relation ~ " where suppression_rules <> '" ~ rules ~ "'") -%}
    {{ return(relation if other.columns[0].values()[0] == 0 else none) }}
{%- endmacro %}


{#- The pre-hook of a model that replays its control from its `columns`: whether this build
    replays, recorded for the tests (main.dbt_control_replays), since a replay and a full run give
    the same table. -#}
{% macro record_control_replay(columns) -%}
    {%- if model.resource_type == 'model' -%}
    create table if not exists main.dbt_control_replays (model varchar primary key, replayed boolean not null);
    insert or replace into main.dbt_control_replays
    values ('{{ this.identifier }}', {{ previous_suppression_state(suppression_rules(), columns) is not none }});
    {%- endif -%}
{%- endmacro %}
