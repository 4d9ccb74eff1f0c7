{#- One of int_outcome_rates_controlled's two controls: complementary suppression of `cells` by
    `count` (the order and the cost of its passes: denominator for the rate's layer, eligible for
    the coverage's), over `memberships` and `tables` (outcome_rates_memberships and the model's
    two-way tables, each member with the layer's primary flag as `suppressed`; the order reads
    the codes of breakdown value, agency and period, which order as their texts) and, when the
    last build left its record, replayed from the layer's changed cells (`<layer>_changed`) and
    last picks (`last_picks.<layer>_picks`).  Both layers keep their picks for the next build. -#}
{% macro outcome_rates_control(cells, memberships, tables, suppressed, count, layer, families, replay) -%}
    {{ complementary_suppression(
        cells, memberships, families,
        order_by=count ~ ', is_total, _v, _a, _p',
        rounds=var('suppression_rounds', 8),
        tables=tables, table_families=['tables'], cost=count,
        member_keys=outcome_rates_member_keys, member_suppressed=suppressed,
        changed=layer ~ '_changed' if replay else none,
        previous_picks=('(select cell_id, ' ~ layer ~ '_picks as picks from last_picks where len('
                        ~ layer ~ '_picks) > 0)') if replay else none,
        with_picks=true) }}
{%- endmacro %}


{#- The columns int_outcome_rates_controlled keeps for the next build's replay, which
    fct_outcome_rates leaves out. -#}
{% macro outcome_rates_control_columns() -%}
    {{ return(['rate_primary', 'cell_denominator', 'rate_picks', 'coverage_primary', 'cell_eligible',
               'coverage_picks', 'suppression_rules']) }}
{%- endmacro %}


{#- The breakdowns whose values add up to the breakdown 'all' cell (the `values` family). -#}
{% macro outcome_rates_partitioning() -%}
    {{ return(['gender', 'age_band', 'immigration_category', 'official_language', 'community_size',
               'gender_x_immigration_category']) }}
{%- endmacro %}


{#- Each key column's texts numbered, as `<name>` (text, code): the groups are numbered by packing
    their key's codes into one integer (outcome_rates_memberships), not by numbering their long
    text keys, which at national scale took more of a replay than its passes (bench/findings.md).
    A code must fit its bits, or the build stops rather than let two groups share a number. -#}
{% macro outcome_rates_key_codes(name, texts, bits) -%}
    {{ name }} as (

        select text, if(code < {{ 2 ** bits }}, code,
                        error('int_outcome_rates_controlled: more than {{ 2 ** bits - 1 }} values of {{ name }}')) as code
        from (select text, row_number() over (order by text) as code from (select distinct text from ({{ texts }})))

    ),
{%- endmacro %}


{#- The bits each key column's code takes in a group's number (outcome_rates_pack). -#}
{% macro outcome_rates_code_bits() -%}
    {{ return({'family': 3, 'outcome': 8, 'period': 12, 'agency': 16, 'breakdown': 6, 'value': 16, 'margin': 1}) }}
{%- endmacro %}


{#- A group's (or a table's) number: `family` (1 to 7) then each of `parts`, a list of (SQL
    expression, key column), packed at their bits (outcome_rates_code_bits); the parts of a
    family's numbers must fit the 63 bits of a bigint, or the model does not compile. -#}
{% macro outcome_rates_pack(family, parts) -%}
    {%- set bits = outcome_rates_code_bits() -%}
    {%- set packed = namespace(sql=family | string, bits=bits.family) -%}
    {%- for expression, column in parts -%}
        {%- set packed.sql = '(' ~ packed.sql ~ ') * ' ~ 2 ** bits[column] ~ ' + ' ~ expression -%}
        {%- set packed.bits = packed.bits + bits[column] -%}
    {%- endfor -%}
    {%- if packed.bits > 63 -%}
        {{ exceptions.raise_compiler_error('outcome_rates_pack: ' ~ packed.bits ~ ' bits do not fit a bigint') }}
    {%- endif -%}
    {{ packed.sql }}
{%- endmacro %}


{#- The groups each cell of `relation` (the model's cells with their codes: _o outcome, _p period,
    _a agency, _b breakdown, _v breakdown value, _v1 and _v2 the value's gender and immigration
    category parts) belongs to: family, gid, cell_id, is_total, and `columns` of the cell.  A gid
    packs the family and its key's codes (outcome_rates_pack), so that no two groups share one.  With `keys`, also
    group_id: the group's key as text, as the record of picks holds it (docs/measures.md names
    the groups):
      values:   the values of one partitioning breakdown of an (outcome, period, agency) cell
                add up to its breakdown 'all' cell;
      margins:  the gender x immigration category cells of one gender add up to that gender's
                cell, and those of one immigration category to that category's cell;
      agencies: the agencies of an (outcome, period, breakdown value) add up to its 'ALL' cell;
      periods:  the quarters of an (outcome, agency, breakdown value) add up to its 'all'-period
                cell (exactly for referrals, whose units are records; in part for client-based
                outcomes, since most clients fall in one quarter).
    Target groups overlap (a client can be a woman and a refugee), so they form no group. -#}
{% macro outcome_rates_memberships(relation, columns, keys=false) -%}
    {%- set partitioning = outcome_rates_partitioning() -%}
    {%- set sep = 'chr(31)' -%}
    {%- set cols = (', ' ~ columns) if columns else '' -%}
    {%- set owner = [('_o', 'outcome'), ('_p', 'period'), ('_a', 'agency')] %}
    select 'values' as family, {{ outcome_rates_pack(1, owner + [('_b', 'breakdown')]) }} as gid, cell_id, false as is_total
        {%- if keys %}, concat_ws({{ sep }}, outcome, period, agency_code, breakdown) as group_id{% endif %}{{ cols }}
    from {{ relation }}
    where breakdown in ('{{ partitioning | join("', '") }}')
    union all
    select 'values', {{ outcome_rates_pack(1, owner + [('part_code', 'breakdown')]) }}, cell_id, true
        {%- if keys %}, concat_ws({{ sep }}, outcome, period, agency_code, part){% endif %}{{ cols }}
    from {{ relation }}
    cross join outcome_rates_partitions
    where breakdown = 'all'
    union all
    {% for margin, part in [('gender', 1), ('immigration_category', 2)] %}
    select 'margins', {{ outcome_rates_pack(2, owner + [(part - 1, 'margin'), ('_v' ~ part, 'value')]) }}, cell_id, false
        {%- if keys %}, concat_ws({{ sep }}, outcome, period, agency_code, '{{ margin }}', split_part(breakdown_value, '|', {{ part }})){% endif %}{{ cols }}
    from {{ relation }}
    where breakdown = 'gender_x_immigration_category'
    union all
    select 'margins', {{ outcome_rates_pack(2, owner + [(part - 1, 'margin'), ('_v', 'value')]) }}, cell_id, true
        {%- if keys %}, concat_ws({{ sep }}, outcome, period, agency_code, '{{ margin }}', breakdown_value){% endif %}{{ cols }}
    from {{ relation }}
    where breakdown = '{{ margin }}'
    union all
    {% endfor %}
    select 'agencies', {{ outcome_rates_pack(3, [('_o', 'outcome'), ('_p', 'period'), ('_b', 'breakdown'), ('_v', 'value')]) }},
        cell_id, agency_code = 'ALL'
        {%- if keys %}, concat_ws({{ sep }}, outcome, period, breakdown, breakdown_value){% endif %}{{ cols }}
    from {{ relation }}
    union all
    select 'periods', {{ outcome_rates_pack(4, [('_o', 'outcome'), ('_a', 'agency'), ('_b', 'breakdown'), ('_v', 'value')]) }},
        cell_id, period = 'all'
        {%- if keys %}, concat_ws({{ sep }}, outcome, agency_code, breakdown, breakdown_value){% endif %}{{ cols }}
    from {{ relation }}
    {% if keys %}
    {#- The two-way tables too, which the record of picks holds by the same kind of key. #}
    union all
    select 'tables', {{ outcome_rates_table_number() }}, cell_id, null, concat_ws({{ sep }}, outcome, period, agency_code)
    from {{ relation }}
    where breakdown in ('all', 'gender', 'immigration_category', 'gender_x_immigration_category')
    {% endif %}
{%- endmacro %}


{#- The number of a cell's two-way table (outcome, period, agency), packed as the groups are. -#}
{% macro outcome_rates_table_number() -%}
    {{ outcome_rates_pack(5, [('_o', 'outcome'), ('_p', 'period'), ('_a', 'agency')]) }}
{%- endmacro %}


{#- The groups of the cells `cell_ids` (a query of cell_id) with their keys as text: how the
    control turns the group numbers of its picks into the record the next build reads, and back. -#}
{% macro outcome_rates_member_keys(cell_ids) -%}
    with keyed_cells as materialized (select * from coded where cell_id in ({{ cell_ids }}))
    {{ outcome_rates_memberships('keyed_cells', none, keys=true) }}
{%- endmacro %}
