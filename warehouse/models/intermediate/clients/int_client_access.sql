-- One row per client served in a quarter whose residence FSA is one of Canada's (seed
-- fsa_centroids), per service stream: the distance from the FSA's centroid to the nearest site
-- offering the stream (int_site_streams), great-circle, in km.  docs/measures.md ("Service
-- access") defines it; fct_access_by_fsa counts and controls it.
--
-- Kept by client: a build recomputes the clients its uploads touch (macros/client_partitions.sql,
-- configured for models/intermediate/clients/ in dbt_project.yml).
{%- set touched = touched_clients_only() %}
with

served as (

    select distinct service_quarter as period, client_key
    from {{ for_clients(ref('int_service_events'), touched) }}
    where service_quarter is not null

),

located as (

    select
        served.period,
        served.client_key,
        spine.residence_fsa,
        coalesce(spine.official_language_code, 'unknown') as official_language_code,
        fsa.community_size_code,
        fsa.latitude,
        fsa.longitude
    from served
    inner join {{ for_clients(ref('int_client_spine'), touched) }} as spine using (client_key)
    inner join {{ ref('fsa_centroids') }} as fsa on fsa.fsa = spine.residence_fsa

),

streams as (

    select code as stream_code
    from {{ ref('accueil_code_values') }}
    where code_list = 'service_stream'

),

residence_fsas as (

    select distinct residence_fsa, latitude, longitude from located

),

-- Every residence FSA x stream; the nearest site offering the stream (ties: the lowest site code).
nearest as (

    select
        r.residence_fsa,
        s.stream_code,
        p.site_code as nearest_site_code,
        {{ great_circle_km('r.latitude', 'r.longitude', 'p.latitude', 'p.longitude') }} as nearest_site_km
    from residence_fsas as r
    cross join streams as s
    left join {{ ref('int_site_streams') }} as p
        on p.stream_code = s.stream_code and p.latitude is not null
    qualify row_number() over (
        partition by r.residence_fsa, s.stream_code order by nearest_site_km nulls last, p.site_code
    ) = 1

)

select
    located.period,
    located.client_key,
    nearest.stream_code,
    located.residence_fsa,
    located.community_size_code,
    located.official_language_code,
    nearest.nearest_site_code,
    nearest.nearest_site_km
from located
inner join nearest using (residence_fsa)
