{#- Periods of the indicator observations: 'YYYY' (a year) or 'YYYYQn' (a calendar quarter). -#}
{% macro period_start(period) -%}
    (case when length({{ period }}) = 4
          then make_date(cast({{ period }} as integer), 1, 1)
          else make_date(cast(left({{ period }}, 4) as integer), 3 * cast(right({{ period }}, 1) as integer) - 2, 1)
     end)
{%- endmacro %}

{% macro period_end(period) -%}
    cast(case when length({{ period }}) = 4
              then make_date(cast({{ period }} as integer), 12, 31)
              else {{ quarter_end(period) }}
         end as date)
{%- endmacro %}
