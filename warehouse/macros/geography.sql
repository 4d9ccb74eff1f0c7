{#-
    Great-circle distance in kilometres between two points given in decimal degrees, by the
    haversine formula on a sphere of radius 6,371.0088 km (the IUGG mean Earth radius).
    docs/measures.md ("Service access") states the method; on the scale of a region the
    sphere's error against the ellipsoid is under 0.5 %.  Null when either point has no
    location: least(), which caps the root at 1 against rounding, skips a null and would
    otherwise give half the Earth's circumference.
-#}
{% macro great_circle_km(lat1, lon1, lat2, lon2) -%}
    case when {{ lat1 }} is not null and {{ lon1 }} is not null and {{ lat2 }} is not null and {{ lon2 }} is not null then
    2 * 6371.0088 * asin(least(1.0, sqrt(
        power(sin(radians({{ lat2 }} - {{ lat1 }}) / 2), 2)
        + cos(radians({{ lat1 }})) * cos(radians({{ lat2 }}))
        * power(sin(radians({{ lon2 }} - {{ lon1 }}) / 2), 2)
    )))
    end
{%- endmacro %}


{#-
    Where a site is: its own coordinates when the agency gave them, else its FSA's centroid
    (`location_source` says which; null when neither is known).  `site` and `fsa` are the
    aliases of a stg_sites row and of its left-joined fsa_centroids row.
-#}
{% macro site_location(site, fsa) -%}
    coalesce({{ site }}.latitude, {{ fsa }}.latitude) as latitude,
    coalesce({{ site }}.longitude, {{ fsa }}.longitude) as longitude,
    case
        when {{ site }}.latitude is not null then 'site'
        when {{ fsa }}.fsa is not null then 'fsa_centroid'
    end as location_source
{%- endmacro %}
