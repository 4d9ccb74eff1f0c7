{#-
    Each outcome record once per breakdown it falls in: all, gender, age band, immigration
    category, official language, community size, gender x immigration category, and each
    target group the client belongs to (a client counts in every one of their groups).
    `relation` is a CTE with at least client_key; attributes come from int_client_spine.
-#}
{% macro expand_breakdowns(relation) %}
    {%- set groups = [
        ('women', 'is_woman'), ('youth', 'is_youth'), ('seniors', 'is_senior'), ('refugees', 'is_refugee'),
        ('francophones', 'is_francophone'), ('lgbtq2', 'is_lgbtq2'), ('disability', 'has_disability'),
    ] -%}
    select r.*, 'all' as breakdown, 'all' as breakdown_value from {{ relation }} as r
    {% for column, name in [('gender_code', 'gender'), ('age_band', 'age_band'),
                            ('immigration_category_code', 'immigration_category'),
                            ('official_language_code', 'official_language'),
                            ('community_size_code', 'community_size')] %}
    union all select r.*, '{{ name }}', c.{{ column }} from {{ relation }} as r
        inner join {{ ref('int_client_spine') }} as c using (client_key)
    {% endfor %}
    union all select r.*, 'gender_x_immigration_category', c.gender_code || '|' || c.immigration_category_code
        from {{ relation }} as r inner join {{ ref('int_client_spine') }} as c using (client_key)
    {% for name, flag in groups %}
    union all select r.*, 'target_group', '{{ name }}' from {{ relation }} as r
        inner join {{ ref('int_client_spine') }} as c using (client_key) where c.{{ flag }}
    {% endfor %}
{% endmacro %}
