-- One row per site and service stream it offers, with where the site is (its own coordinates
-- when the agency gave them, else its FSA's centroid) and the languages the stream is offered in
-- there: what distances to services and the directory are computed from.
with

sites as (

    select
        s.site_code,
        s.agency_code,
        s.site_fsa,
        {{ site_location('s', 'fsa') }}
    from {{ ref('stg_sites') }} as s
    left join {{ ref('fsa_centroids') }} as fsa on fsa.fsa = s.site_fsa

),

services as (

    select
        site_code,
        stream_code,
        -- Stated languages in code-list order; null when none was (a version-1 file).
        string_agg(distinct language_code, '|' order by language_code) as language_codes,
        coalesce(bool_or(language_code = 'french'), false) as offered_in_french
    from {{ ref('stg_site_services') }}
    group by site_code, stream_code

)

select
    services.site_code,
    services.stream_code,
    sites.agency_code,
    sites.site_fsa,
    sites.latitude,
    sites.longitude,
    sites.location_source,
    services.language_codes,
    services.offered_in_french
from services
inner join sites using (site_code)
