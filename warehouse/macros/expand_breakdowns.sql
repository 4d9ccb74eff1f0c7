{#-
    Each outcome record once per breakdown it falls in: all, gender, age band, immigration
    category, official language, community size, gender x immigration category, and each
    target group the client belongs to (a client counts in every one of their groups).

    describe_clients(relation): `relation` (a CTE with at least client_key) with the client's
    attributes from int_client_spine beside it, joined once, and `described`: whether the
    client is in the spine (one who is not counts in 'all' only).
    expand_breakdowns(relation, catalogued=none): a described relation, once per breakdown,
    without the attributes: its own columns, then breakdown and breakdown_value.  With
    `catalogued` (a relation of outcome, breakdown), a row is expanded only into the breakdowns
    its outcome has there.  The needs met per need (by community size alone) and the French
    services per stream (not broken down) are a quarter of the kinds of client counted on a
    national year: expanding them into every breakdown and dropping most afterwards made 2.9 of
    15.7 million rows (bench/findings.md).
-#}
{#- The spine's columns each breakdown reads: (column, breakdown) and (target group, flag). -#}
{% macro _breakdown_columns() -%}
    {{ return([('gender_code', 'gender'), ('age_band', 'age_band'),
               ('immigration_category_code', 'immigration_category'),
               ('official_language_code', 'official_language'),
               ('community_size_code', 'community_size')]) }}
{%- endmacro %}

{% macro _target_groups() -%}
    {{ return([('women', 'is_woman'), ('youth', 'is_youth'), ('seniors', 'is_senior'), ('refugees', 'is_refugee'),
               ('francophones', 'is_francophone'), ('lgbtq2', 'is_lgbtq2'), ('disability', 'has_disability')]) }}
{%- endmacro %}

{% macro _client_attributes() -%}
    {{ return(_breakdown_columns() | map(attribute=0) | list + _target_groups() | map(attribute=1) | list) }}
{%- endmacro %}

{% macro describe_clients(relation) %}
    select r.*, c.client_key is not null as described,
        {% for column in _client_attributes() %}c.{{ column }} as _client_{{ column }}{% if not loop.last %}, {% endif %}{% endfor %}
    from {{ relation }} as r
    left join {{ ref('int_client_spine') }} as c using (client_key)
{% endmacro %}

{% macro expand_breakdowns(relation, catalogued=none) %}
    {%- set own -%}
        r.* exclude (described{% for column in _client_attributes() %}, _client_{{ column }}{% endfor %})
    {%- endset -%}
    select {{ own }}, 'all' as breakdown, 'all' as breakdown_value from {{ relation }} as r
    where {{ _catalogued(catalogued, 'all') }}
    {% for column, name in _breakdown_columns() %}
    union all select {{ own }}, '{{ name }}', r._client_{{ column }} from {{ relation }} as r
        where r.described and {{ _catalogued(catalogued, name) }}
    {% endfor %}
    union all select {{ own }}, 'gender_x_immigration_category',
            r._client_gender_code || '|' || r._client_immigration_category_code
        from {{ relation }} as r where r.described and {{ _catalogued(catalogued, 'gender_x_immigration_category') }}
    {% for name, flag in _target_groups() %}
    union all select {{ own }}, 'target_group', '{{ name }}' from {{ relation }} as r
        where r.described and r._client_{{ flag }} and {{ _catalogued(catalogued, 'target_group') }}
    {% endfor %}
{% endmacro %}

{% macro _catalogued(catalogued, breakdown) -%}
    {%- if catalogued -%}
        r.outcome in (select outcome from {{ catalogued }} where breakdown = '{{ breakdown }}')
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
