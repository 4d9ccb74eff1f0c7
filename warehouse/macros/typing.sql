{#-
    Typing helpers for the staging models.  The raw tables hold every cell as validated
    text, with '' for a blank cell; these turn a cell into a typed value, or null when it
    is blank.  Each staging model's `no_value_lost` test checks that no filled cell came
    out null (a value that would not cast, a label missing from a seed).
-#}

{#- A blank or whitespace-only cell as null. -#}
{% macro blank_as_null(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}


{#- cast that gives null instead of failing (dbt's own safe_cast is a plain cast on DuckDB). -#}
{% macro cast_or_null(expression, data_type) -%}
    {{ return(adapter.dispatch('cast_or_null', 'accueil')(expression, data_type)) }}
{%- endmacro %}

{% macro default__cast_or_null(expression, data_type) -%}
    {{ dbt.safe_cast(expression, data_type) }}
{%- endmacro %}

{% macro duckdb__cast_or_null(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}


{% macro to_integer(column) -%}
    {{ cast_or_null(blank_as_null(column), 'integer') }}
{%- endmacro %}

{% macro to_decimal(column, precision=18, scale=2) -%}
    {{ cast_or_null(blank_as_null(column), 'decimal(' ~ precision ~ ', ' ~ scale ~ ')') }}
{%- endmacro %}

{% macro to_date(column) -%}
    {{ cast_or_null(blank_as_null(column), 'date') }}
{%- endmacro %}


{#-
    A Yes/No cell as a boolean: true for Yes, false for No, null when blank (or, for the
    yes_no_declined list, "Prefer not to answer").  The loader has normalised the value to
    the English label of the yes_no list, so the two labels are all there is to match.
-#}
{% macro yes_no_flag(column) -%}
    case {{ blank_as_null(column) }} when 'Yes' then true when 'No' then false end
{%- endmacro %}


{#-
    A length given as whole hours plus a minutes code (0, 5, ..., 55), in minutes;
    null when both cells are blank.
-#}
{% macro duration_minutes(hours_column, minutes_column) -%}
    case
        when {{ blank_as_null(hours_column) }} is not null or {{ blank_as_null(minutes_column) }} is not null
            then coalesce({{ to_integer(hours_column) }}, 0) * 60 + coalesce({{ to_integer(minutes_column) }}, 0)
    end
{%- endmacro %}

{#- The same length in hours (hours + minutes / 60), as a decimal. -#}
{% macro duration_hours(hours_column, minutes_column) -%}
    cast(({{ duration_minutes(hours_column, minutes_column) }}) / 60.0 as decimal(10, 4))
{%- endmacro %}
