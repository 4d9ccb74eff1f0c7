-- The weighting cells of the non-response-adjusted employment rate: every client
-- employment_at_followup could speak for (its denominator and its units not covered), each in
-- one cell of the characteristics gender, immigration category, official language, age band
-- and community size, small cells merged.  docs/measures.md ("Employment at follow-up, adjusted
-- for non-response") states the rule; the weight of a client reached is eligible / respondents
-- of its cell.
{% set characteristics = ['gender_code', 'immigration_category_code', 'official_language_code', 'age_band',
                          'community_size_code'] %}
{% set minimum_eligible = var('weighting_cell_minimum_eligible') %}
{% set minimum_respondents = var('weighting_cell_minimum_respondents') %}
with

units as (

    select
        u.client_key,
        u.is_respondent,
        u.is_employed,
        {% for column in characteristics %}
        coalesce(s.{{ column }}, 'unknown') as {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from (
        select client_key, true as is_respondent, is_met as is_employed
        from {{ ref('int_outcome_records') }}
        where outcome = 'employment_at_followup'
        union all
        select client_key, false, false
        from {{ ref('int_outcome_not_covered') }}
        where outcome = 'employment_at_followup'
    ) as u
    left join {{ ref('int_client_spine') }} as s using (client_key)

),

{# From the full cross of the five characteristics down to one cell of everyone: at each level,
   the clients not yet placed are grouped by the first `level` characteristics, and a group with
   at least the minimum eligible clients and respondents becomes a cell; the others go on to the
   next, coarser level (the last characteristic dropped).  Level 0 takes everyone left. #}
{% for level in range(characteristics | length, -1, -1) %}
{% set key = characteristics[:level] %}
level_{{ level }} as (

    select
        *,
        {{ level }} as level,
        {% if key %}concat_ws('|', {{ key | join(', ') }}){% else %}'all'{% endif %} as cell,
        count(*) over cell_window as cell_eligible,
        count_if(is_respondent) over cell_window as cell_respondents
    from {% if loop.first %}units{% else %}level_{{ level + 1 }}_left{% endif %}
    window cell_window as (partition by {% if key %}{{ key | join(', ') }}{% else %}true{% endif %})

),

{% if level > 0 %}
level_{{ level }}_left as (

    select * exclude (level, cell, cell_eligible, cell_respondents)
    from level_{{ level }}
    where cell_eligible < {{ minimum_eligible }} or cell_respondents < {{ minimum_respondents }}

),
{% endif %}
{% endfor %}

placed as (

    {% for level in range(characteristics | length, 0, -1) %}
    select * from level_{{ level }}
    where cell_eligible >= {{ minimum_eligible }} and cell_respondents >= {{ minimum_respondents }}
    union all
    {% endfor %}
    select * from level_0

)

select
    level,
    cell,
    count(*) as eligible,
    count_if(is_respondent) as respondents,
    count_if(is_respondent and is_employed) as employed,
    count(*) / nullif(count_if(is_respondent), 0) as weight
from placed
group by level, cell
