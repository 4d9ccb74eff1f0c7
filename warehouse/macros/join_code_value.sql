{#-
    Coded cells become stable codes through the seeds, by a left join on
    (code_list, label_en): the raw tables hold the English label of each coded value (the
    loader has already turned French labels and codes into it).  A staging model joins
    once per coded column and selects the joined row's code:

        select
            gender.code as gender_code
        from source
        {{ join_code_value('gender', 'gender_id', 'gender') }}

    A left join keeps every row: a blank cell gives null.  Both code-value seeds are
    searched, so a model need not know whether a list is IRCC's (iCARE Options Sheet) or
    Accueil's own.  A label is unique within its list across the two seeds
    (tests/assert_code_value_labels_unique.sql), so the join never adds rows; a label
    missing from the seeds gives null, which the model's no_value_lost test reports.
    Measured on DuckDB: about fifteen times faster than a correlated lookup per column.
-#}
{% macro join_code_value(alias, column, code_list) -%}
    left join (
        select code_list, label_en, code from {{ ref('icare_code_values') }}
        union all
        select code_list, label_en, code from {{ ref('accueil_code_values') }}
    ) as {{ alias }}
        on {{ alias }}.code_list = '{{ code_list }}'
        and {{ alias }}.label_en = {{ blank_as_null(column) }}
{%- endmacro %}


{#-
    A Canadian Language Benchmark cell, normalised through the clb_levels seed (code lists
    clb_listening_speaking and clb_reading_writing).  Join once per cell, then select
    <alias>.code, <alias>.level_kind and {{ clb_level(alias) }}:

        select
            listening_clb.code as listening_clb_code,
            listening_clb.level_kind as listening_clb_kind,
            {{ clb_level('listening_clb') }} as listening_clb_level
        from source
        {{ join_clb_level('listening_clb', 'listening_CLB_level_id', 'clb_listening_speaking') }}
-#}
{% macro join_clb_level(alias, column, code_list) -%}
    left join {{ ref('clb_levels') }} as {{ alias }}
        on {{ alias }}.code_list = '{{ code_list }}'
        and {{ alias }}.label_en = {{ blank_as_null(column) }}
{%- endmacro %}


{#-
    The level as a number: CLB 1..12 -> 1..12, literacy Foundation L..4L -> -4..0.  Null
    unless the value is a level (kind clb or literacy): Pre-CLB, N/A and Insufficient
    Evidence are not levels and never become a number.
-#}
{% macro clb_level(alias) -%}
    case when {{ alias }}.level_kind in ('clb', 'literacy') then {{ alias }}.ordinal end
{%- endmacro %}
