-- The services that record their language of service, with whether the client's official
-- language is French: the basis of the francophones-served-in-French outcomes.  Language
-- training and assessment are left out: their language is the one being learned.
--
-- Kept by client: a build recomputes the clients its uploads touch (macros/client_partitions.sql,
-- configured for models/intermediate/clients/ in dbt_project.yml).
{%- set touched = touched_clients_only() %}
{% set sources = [
    ('stg_needs_assessment', 'needs_assessment'),
    ('stg_info_orientation', 'information_orientation'),
    ('stg_employment', 'employment'),
    ('stg_community_connections', 'community_connections'),
] %}
with

services as (

    {% for model, stream in sources %}
    select
        '{{ stream }}' as stream_code,
        client_key,
        agency_code,
        reported_quarter,
        record_id,
        service_date,
        service_language_code
    from {{ for_clients(ref(model), touched) }}
    where service_language_code is not null
        and service_date is not null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select
    s.*,
    coalesce(c.is_francophone, false) as is_francophone
from services as s
left join {{ for_clients(ref('int_client_spine'), touched) }} as c
    on s.client_key = c.client_key
