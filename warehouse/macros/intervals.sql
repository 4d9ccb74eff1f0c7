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
