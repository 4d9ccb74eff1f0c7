-- fct_outcomes_vs_outputs agrees with its sources and its own definitions:
--   * its outputs are fct_outputs' for the same cell, with the same suppression;
--   * the funding of the program rows adds up to all of stg_funding, an agency's programs to
--     its 'ALL' row, the agencies to the region row;
--   * the outcome columns are fct_outcome_rates' cell (breakdown all) for the agency and quarter;
--   * cost per client served = funding / clients served; cost per positive outcome = funding /
--     the numerator of the program's outcome; each null exactly when its rule says so.
{% set outcomes = ['language_gain_any', 'employment_at_followup', 'sense_of_belonging', 'referral_completion_90d'] %}
with

v as (

    select * from {{ ref('fct_outcomes_vs_outputs') }}

),

outputs as (

    select v.agency_code, v.program_code, v.period, 'outputs differ from fct_outputs' as rule
    from v
    full outer join {{ ref('fct_outputs') }} as o
        on o.agency_code = v.agency_code and o.program_code = v.program_code and o.period = v.period
    where v.agency_code is null or o.agency_code is null
        or v.suppressed <> o.suppressed
        or v.clients_served is distinct from o.clients_served
        or v.services is distinct from o.services
        or v.language_training_hours is distinct from o.language_training_hours
        or v.total_hours is distinct from
            o.orientation_hours + o.employment_hours + o.community_connections_hours + o.language_training_hours

),

funding_total as (

    select 'ALL', 'ALL', 'all', 'program funding does not add up to stg_funding'
    where (select coalesce(sum(funding_cad), 0) from v where grain = 'program')
        <> (select coalesce(sum(f.amount_cad), 0) from {{ ref('stg_funding') }} as f
            inner join {{ ref('stg_programs') }} as p using (program_code))

),

funding_parts as (

    select t.agency_code, t.program_code, t.period, 'funding parts do not add up to the total'
    from v as t
    inner join (
        select case when grain = 'program' then agency_code else 'ALL' end as total_agency_code, period,
            sum(funding_cad) as funding_cad
        from v
        where grain in ('program', 'agency')
        group by all
    ) as s
        on s.total_agency_code = t.agency_code and s.period = t.period
    where t.program_code = 'ALL' and t.funding_cad is distinct from s.funding_cad

),

outcomes as (

    select v.agency_code, v.program_code, v.period, 'outcomes differ from fct_outcome_rates'
    from v
    {% for outcome in outcomes %}
    left join {{ ref('fct_outcome_rates') }} as r_{{ loop.index }}
        on r_{{ loop.index }}.outcome = '{{ outcome }}' and r_{{ loop.index }}.breakdown = 'all'
        and r_{{ loop.index }}.agency_code = v.agency_code and r_{{ loop.index }}.period = v.period
    {% endfor %}
    where false
    {% for outcome in outcomes %}
        or v.{{ outcome }}_suppressed is distinct from r_{{ loop.index }}.suppressed
        or v.{{ outcome }}_numerator is distinct from r_{{ loop.index }}.numerator
        or v.{{ outcome }}_denominator is distinct from r_{{ loop.index }}.denominator
        or v.{{ outcome }}_rate is distinct from r_{{ loop.index }}.rate
    {% endfor %}

),

costs as (

    select agency_code, program_code, period, 'cost arithmetic'
    from v
    where (cost_per_client_served is null) <> (suppressed or funding_cad is null or clients_served = 0)
        or abs(cost_per_client_served - funding_cad / clients_served) > 1e-9 * funding_cad
        or (cost_per_positive_outcome is null)
            <> (cost_outcome is null or funding_cad is null or coalesce(cost_outcome_numerator, 0) = 0)
        or abs(cost_per_positive_outcome - funding_cad / cost_outcome_numerator) > 1e-9 * funding_cad
        or (cost_outcome is not null) <> (program_stream_code in
            ('employment', 'language_training', 'community_connections', 'needs_assessment'))
        or cost_outcome_numerator is distinct from case cost_outcome
            {% for outcome in outcomes %}
            when '{{ outcome }}' then {{ outcome }}_numerator
            {% endfor %}
            end

)

select * from outputs
union all select * from funding_total
union all select * from funding_parts
union all select * from outcomes
union all select * from costs
