{#- 2025-07-14 -> '2025Q3' -#}
{% macro quarter_of(date_expression) -%}
    (cast(year({{ date_expression }}) as varchar) || 'Q' || cast(quarter({{ date_expression }}) as varchar))
{%- endmacro %}

{#- '2025Q3' -> 2025-09-30 -#}
{% macro quarter_end(quarter_expression) -%}
    (make_date(cast(left({{ quarter_expression }}, 4) as integer),
               3 * cast(right({{ quarter_expression }}, 1) as integer), 1)
     + interval 1 month - interval 1 day)
{%- endmacro %}
