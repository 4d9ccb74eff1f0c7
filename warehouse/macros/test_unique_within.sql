{#-
    The column's value occurs at most once within each group of the `within` columns,
    e.g. a record id is unique within one agency's extract for one quarter:

        - name: record_id
          data_tests:
            - unique_within:
                arguments:
                  within: [agency_code, reported_quarter]

    Nulls are left to not_null.
-#}
{% test unique_within(model, column_name, within) %}

select
    {% for column in within -%}
    {{ column }},
    {% endfor -%}
    {{ column_name }},
    count(*) as n_rows
from {{ model }}
where {{ column_name }} is not null
group by {% for column in within %}{{ column }}, {% endfor %}{{ column_name }}
having count(*) > 1

{% endtest %}
