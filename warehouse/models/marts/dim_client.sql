-- One row per client (pseudonymous key), for agency users only (meta access: client_level):
-- demographics as codes and bands, arrival cohort, first service, community size and the
-- target-group flags of the GBA+ breakdowns.  No year of birth, no age in years and no date
-- finer than the quarter.
select
    client_key,
    gender_code,
    immigration_category_code,
    official_language_code,
    -- int_client_spine's band; null when the age at first service is unknown
    case when age_at_first_service is not null then age_band end as age_band,
    arrival_quarter,
    first_service_quarter,
    first_agency_code,
    community_size_code,
    is_woman,
    is_youth,
    is_senior,
    is_refugee,
    is_francophone,
    is_lgbtq2,
    has_disability
from {{ ref('int_client_spine') }}
