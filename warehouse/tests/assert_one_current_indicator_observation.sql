-- Each indicator x geography x period that was ever observed has exactly one current version,
-- and it is the newest.
select indicator_code, geography_code, period
from {{ ref('int_indicator_observation_versions') }}
group by all
having count(*) filter (where is_current) <> 1
    or max(version) <> max(case when is_current then version end)
