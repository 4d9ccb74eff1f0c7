-- A site's own coordinates are given both or neither, inside Canada's extent (the door's bounds,
-- agencies_v2.yaml), and its FSA is one the centroid seed knows (a version-1 file's is not checked
-- at the door: it is reported here as a warning, the site then has no place on the map).
{{ config(severity='warn') }}

select site_code, site_fsa, latitude, longitude
from {{ ref('stg_sites') }}
where (latitude is null) <> (longitude is null)
   or latitude not between 41.6 and 83.2
   or longitude not between -141.1 and -52.6
   or site_fsa not in (select fsa from {{ ref('fsa_centroids') }})
