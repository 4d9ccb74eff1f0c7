-- One row per agency of the partnership: its reference data, its sites by community size and
-- the service streams its programs offer.
{% set sizes = ['urban', 'small_centre', 'rural'] %}
{% set streams = [
    'needs_assessment', 'information_orientation', 'employment', 'community_connections',
    'language_training', 'language_assessment',
] %}
with

agencies as (

    select * from {{ ref('stg_agencies') }}

),

sites as (

    select
        agency_code,
        count(*) as site_count,
        {% for size in sizes %}
        count(*) filter (where community_size_code = '{{ size }}') as {{ size }}_site_count{% if not loop.last %},{% endif %}
        {% endfor %}
    from {{ ref('stg_sites') }}
    group by agency_code

),

stream_order as (

    select code as stream_code, sort_order
    from {{ ref('accueil_code_values') }}
    where code_list = 'service_stream'

),

programs as (

    select
        p.agency_code,
        count(*) as program_count,
        {% for stream in streams %}
        bool_or(p.stream_code = '{{ stream }}') as offers_{{ stream }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from {{ ref('stg_programs') }} as p
    group by p.agency_code

),

streams_offered as (

    -- the codes in the order of the service_stream code list
    select
        p.agency_code,
        string_agg(s.stream_code, '|' order by s.sort_order) as streams_offered
    from (select distinct agency_code, stream_code from {{ ref('stg_programs') }}) as p
    inner join stream_order as s on s.stream_code = p.stream_code
    group by p.agency_code

)

select
    a.agency_code,
    a.agency_name,
    a.report_language_code,
    a.province_code,
    cast(coalesce(s.site_count, 0) as bigint) as site_count,
    {% for size in sizes %}
    cast(coalesce(s.{{ size }}_site_count, 0) as bigint) as {{ size }}_site_count,
    {% endfor %}
    {% for size in sizes %}
    cast(s.{{ size }}_site_count / s.site_count as double) as {{ size }}_site_share,
    {% endfor %}
    cast(coalesce(p.program_count, 0) as bigint) as program_count,
    o.streams_offered,
    {% for stream in streams %}
    coalesce(p.offers_{{ stream }}, false) as offers_{{ stream }}{% if not loop.last %},{% endif %}
    {% endfor %}
from agencies as a
left join sites as s on s.agency_code = a.agency_code
left join programs as p on p.agency_code = a.agency_code
left join streams_offered as o on o.agency_code = a.agency_code
