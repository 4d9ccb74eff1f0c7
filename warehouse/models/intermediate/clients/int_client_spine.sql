-- One row per client (pseudonymous key) across all agencies: demographics from the most
-- recent profile, first contact, and the groups the outcome breakdowns use.
--
-- Kept by client: a build recomputes the clients its uploads touch (macros/client_partitions.sql,
-- configured for models/intermediate/clients/ in dbt_project.yml).
{%- set touched = touched_clients_only() %}
with

-- Each client's most recent profile and first service, as aggregates that keep one candidate
-- row per client rather than a row_number window that sorts every row: at national scale the
-- model took well under half the time.  The order keys are not null (a struct compares a null
-- field as the largest, where the window put nulls last) and unique per client, so the row is
-- the one the window numbered 1.
latest_profile as (

    select unnest(arg_max(p, (p.reported_quarter, p.agency_code)))
    from {{ for_clients(ref('stg_client_profile'), touched) }} as p
    group by p.client_key

),

first_service as (

    select
        client_key,
        unnest(arg_min(
            {'first_service_date': service_date, 'first_agency_code': agency_code, 'first_service_fsa': service_fsa},
            (service_date, agency_code, source_model, record_id)
        ))
    from {{ for_clients(ref('int_service_events'), touched) }}
    group by client_key

),

sites as (

    select
        agency_code,
        site_fsa,
        community_size_code,
        row_number() over (partition by agency_code, site_fsa order by site_code) as duplicate
    from {{ ref('stg_sites') }}

),

spine as (

    select
        p.client_key,
        p.gender_code,
        p.immigration_category_code,
        p.official_language_code,
        p.residence_fsa,
        p.birth_year,
        p.arrival_date,
        {{ quarter_of('p.arrival_date') }} as arrival_quarter,
        coalesce(p.is_lgbtq2, false) as is_lgbtq2,
        coalesce(p.has_disability, false) as has_disability,
        f.first_service_date,
        {{ quarter_of('f.first_service_date') }} as first_service_quarter,
        f.first_agency_code,
        f.first_service_fsa,
        coalesce(s.community_size_code, 'unknown') as community_size_code,
        year(f.first_service_date) - p.birth_year as age_at_first_service
    from latest_profile as p
    left join first_service as f
        on p.client_key = f.client_key
    left join sites as s
        on f.first_agency_code = s.agency_code and f.first_service_fsa = s.site_fsa and s.duplicate = 1

)

select
    *,
    case
        when age_at_first_service is null then null
        when age_at_first_service <= 14 then '0-14'
        when age_at_first_service <= 24 then '15-24'
        when age_at_first_service <= 64 then '25-64'
        else '65+'
    end as age_band,
    gender_code = 'woman' as is_woman,
    age_at_first_service between 15 and 24 as is_youth,
    age_at_first_service >= 65 as is_senior,
    immigration_category_code in ('gar', 'psr', 'protected_person') as is_refugee,
    official_language_code = 'french' as is_francophone
from spine
