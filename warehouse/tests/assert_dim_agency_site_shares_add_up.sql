-- In dim_agency, the sites by community size add up to the sites, and their shares to 1.
select agency_code, site_count, urban_site_count, small_centre_site_count, rural_site_count
from {{ ref('dim_agency') }}
where urban_site_count + small_centre_site_count + rural_site_count <> site_count
    or (site_count > 0 and abs(urban_site_share + small_centre_site_share + rural_site_share - 1) > 1e-9)
    or (site_count = 0 and coalesce(urban_site_share, small_centre_site_share, rural_site_share) is not null)
