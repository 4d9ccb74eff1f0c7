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


{#- Wilson score interval of numerator / denominator at z (95%: 1.96), as a proportion. -#}
{% macro wilson_low(numerator, denominator, z=1.96) -%}
    ((({{ numerator }}) / ({{ denominator }}) + {{ z * z }} / (2 * ({{ denominator }})))
     - {{ z }} * sqrt(({{ numerator }}) / ({{ denominator }}) * (1 - ({{ numerator }}) / ({{ denominator }})) / ({{ denominator }})
                      + {{ z * z }} / (4 * ({{ denominator }}) * ({{ denominator }}))))
    / (1 + {{ z * z }} / ({{ denominator }}))
{%- endmacro %}

{% macro wilson_high(numerator, denominator, z=1.96) -%}
    ((({{ numerator }}) / ({{ denominator }}) + {{ z * z }} / (2 * ({{ denominator }})))
     + {{ z }} * sqrt(({{ numerator }}) / ({{ denominator }}) * (1 - ({{ numerator }}) / ({{ denominator }})) / ({{ denominator }})
                      + {{ z * z }} / (4 * ({{ denominator }}) * ({{ denominator }}))))
    / (1 + {{ z * z }} / ({{ denominator }}))
{%- endmacro %}
