-- One row per service site of the partnership: where it is, what it offers, in which languages,
-- and whether it serves clients remotely.  The map, the directory and fct_access_by_fsa read it.
{% set streams = [
    'needs_assessment', 'information_orientation', 'employment', 'community_connections',
    'language_training', 'language_assessment',
] %}
with

sites as (

    select * from {{ ref('stg_sites') }}

),

offers as (

    select
        site_code,
        string_agg(stream_code, '|' order by stream_code) as streams_offered,
        {% for stream in streams %}
        bool_or(stream_code = '{{ stream }}') as offers_{{ stream }},
        {% endfor %}
        bool_or(offered_in_french) as serves_french
    from {{ ref('int_site_streams') }}
    group by site_code

),

languages as (

    select site_code, string_agg(distinct language_code, '|' order by language_code) as languages_served
    from {{ ref('stg_site_services') }}
    group by site_code

)

select
    s.site_code,
    s.agency_code,
    a.agency_name,
    s.site_name,
    s.site_fsa,
    fsa.place_name,
    s.community_size_code,
    {{ site_location('s', 'fsa') }},
    s.is_remote,
    o.streams_offered,
    g.languages_served,
    coalesce(o.serves_french, false) as serves_french,
    {% for stream in streams %}
    coalesce(o.offers_{{ stream }}, false) as offers_{{ stream }}{% if not loop.last %},{% endif %}
    {% endfor %}
from sites as s
inner join {{ ref('stg_agencies') }} as a on a.agency_code = s.agency_code
left join {{ ref('fsa_centroids') }} as fsa on fsa.fsa = s.site_fsa
left join offers as o on o.site_code = s.site_code
left join languages as g on g.site_code = s.site_code
