{#-
    dbt's relationships test, matched within groups: every value of the column has a row
    in `to` with the same `field` value and the same values of the `within` columns.
    E.g. every client with a service has a profile in the same agency's extract for the
    same quarter:

        - name: client_key
          data_tests:
            - relationships_within:
                arguments:
                  to: ref('stg_client_profile')
                  field: client_key
                  within: [agency_code, reported_quarter]
-#}
{% test relationships_within(model, column_name, to, field, within) %}

select
    {% for column in within -%}
    child.{{ column }},
    {% endfor -%}
    child.{{ column_name }}
from {{ model }} as child
where child.{{ column_name }} is not null
    and not exists (
        select 1
        from {{ to }} as parent
        where parent.{{ field }} = child.{{ column_name }}
            {%- for column in within %}
            and parent.{{ column }} = child.{{ column }}
            {%- endfor %}
    )

{% endtest %}
