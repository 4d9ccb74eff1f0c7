{#-
    Typing lost nothing: for each raw column and the typed column that carries it, no row
    has a filled raw cell and a null typed value.  That catches a label missing from a
    code-value seed, a seed label edited after the data was loaded, and a value that
    would not cast.  Staging rows are matched to their raw rows on (upload_id,
    row_number); the model is scanned once, and each failing row lists what it lost.
    Model-level:

        data_tests:
          - no_value_lost:
              arguments:
                source_table: client_profile
                columns:            # raw column: typed column
                  gender_id: gender_code
                  arrival_dt: arrival_date
-#}
{% test no_value_lost(model, source_table, columns) %}

select
    typed.upload_id,
    typed.row_number,
    concat_ws(', '
        {%- for raw_column, typed_column in columns.items() %},
        case
            when nullif(trim(raw_row."{{ raw_column }}"), '') is not null and typed.{{ typed_column }} is null
                then '{{ raw_column }} -> {{ typed_column }}'
        end
        {%- endfor %}
    ) as lost_values
from {{ model }} as typed
inner join {{ source('raw', source_table) }} as raw_row
    on raw_row.upload_id = typed.upload_id
    and raw_row.row_number = typed.row_number
where
    {%- for raw_column, typed_column in columns.items() %}
    {% if not loop.first %}or {% endif %}(nullif(trim(raw_row."{{ raw_column }}"), '') is not null and typed.{{ typed_column }} is null)
    {%- endfor %}

{% endtest %}
