{#- One of int_outcome_rates_controlled's two controls: complementary suppression of `cells` by
    `count` (the order and the cost of its passes: denominator for the rate's layer, eligible for
    the coverage's), over the model's memberships, tables and numbered groups, and, when the last
    build left its record, replayed from the layer's changed cells (`<layer>_changed`) and last
    picks (`last_picks.<layer>_picks`).  Both layers keep their picks for the next build. -#}
{% macro outcome_rates_control(cells, count, layer, families, replay) -%}
    {{ complementary_suppression(
        cells, 'memberships', families,
        order_by=count ~ ', is_total, breakdown_value, agency_code, period',
        rounds=var('suppression_rounds', 8),
        tables='tables', table_families=['tables'], cost='c.' ~ count, numbered='groups',
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
