-- Outputs, funding and outcomes side by side, per agency x program x quarter (with the agency
-- and region totals of fct_outputs): cost per client served and cost per positive outcome.
-- fct_outcomes_vs_outputs.yml defines every column.
{% set outcomes = ['language_gain_any', 'employment_at_followup', 'sense_of_belonging', 'referral_completion_90d'] %}
{% set cost_outcomes = [
    ('employment', 'employment_at_followup'),
    ('language_training', 'language_gain_any'),
    ('community_connections', 'sense_of_belonging'),
    ('needs_assessment', 'referral_completion_90d'),
] %}
with

outputs as (

    select * from {{ ref('fct_outputs') }}

),

programs as (

    select program_code, agency_code, stream_code from {{ ref('dim_program') }}

),

funding as (

    select
        f.program_code,
        p.agency_code,
        f.funding_quarter as period,
        f.amount_cad
    from {{ ref('stg_funding') }} as f
    inner join programs as p on p.program_code = f.program_code

),

cell_funding as (

    -- a program's funding; the sum of the agency's programs; the sum of all programs
    select
        coalesce(agency_code, 'ALL') as agency_code,
        coalesce(program_code, 'ALL') as program_code,
        period,
        sum(amount_cad) as funding_cad
    from funding
    group by grouping sets ((agency_code, program_code, period), (agency_code, period), (period))

),

rates as (

    select *
    from {{ ref('fct_outcome_rates') }}
    where breakdown = 'all'
        and outcome in ({% for outcome in outcomes %}'{{ outcome }}'{% if not loop.last %}, {% endif %}{% endfor %})

),

joined as (

    select
        o.agency_code,
        o.program_code,
        o.period,
        o.grain,
        p.stream_code as program_stream_code,
        case p.stream_code
            {% for stream, outcome in cost_outcomes %}
            when '{{ stream }}' then '{{ outcome }}'
            {% endfor %}
        end as cost_outcome,
        o.suppressed,
        o.clients_served,
        o.services,
        o.orientation_hours,
        o.employment_hours,
        o.community_connections_hours,
        o.language_training_hours,
        o.orientation_hours + o.employment_hours + o.community_connections_hours + o.language_training_hours
            as total_hours,
        cast(f.funding_cad as decimal(18, 2)) as funding_cad,
        {% for outcome in outcomes %}
        r_{{ loop.index }}.suppressed as {{ outcome }}_suppressed,
        r_{{ loop.index }}.numerator as {{ outcome }}_numerator,
        r_{{ loop.index }}.denominator as {{ outcome }}_denominator,
        r_{{ loop.index }}.rate as {{ outcome }}_rate,
        r_{{ loop.index }}.ci_low as {{ outcome }}_ci_low,
        r_{{ loop.index }}.ci_high as {{ outcome }}_ci_high{% if not loop.last %},{% endif %}
        {% endfor %}
    from outputs as o
    left join programs as p
        on p.program_code = o.program_code
    left join cell_funding as f
        on f.agency_code = o.agency_code and f.program_code = o.program_code and f.period = o.period
    {% for outcome in outcomes %}
    left join rates as r_{{ loop.index }}
        on r_{{ loop.index }}.outcome = '{{ outcome }}'
        and r_{{ loop.index }}.agency_code = o.agency_code
        and r_{{ loop.index }}.period = o.period
    {% endfor %}

),

costed as (

    select
        *,
        case
            {% for stream, outcome in cost_outcomes %}
            when cost_outcome = '{{ outcome }}' then {{ outcome }}_numerator
            {% endfor %}
        end as cost_outcome_numerator
    from joined

)

select
    agency_code,
    program_code,
    period,
    grain,
    program_stream_code,
    suppressed,
    clients_served,
    services,
    orientation_hours,
    employment_hours,
    community_connections_hours,
    language_training_hours,
    cast(total_hours as decimal(18, 2)) as total_hours,
    funding_cad,
    {% for outcome in outcomes %}
    {{ outcome }}_suppressed,
    {{ outcome }}_numerator,
    {{ outcome }}_denominator,
    {{ outcome }}_rate,
    {{ outcome }}_ci_low,
    {{ outcome }}_ci_high,
    {% endfor %}
    cast(case when clients_served > 0 then funding_cad / clients_served end as double) as cost_per_client_served,
    cost_outcome,
    cast(cost_outcome_numerator as bigint) as cost_outcome_numerator,
    cast(case when cost_outcome_numerator > 0 then funding_cad / cost_outcome_numerator end as double)
        as cost_per_positive_outcome
from costed
