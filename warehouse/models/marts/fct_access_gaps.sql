-- The access-gap list: residence FSAs where clients live (in any quarter of the data) but no
-- site offering a stream lies within var access_gap_km (default 25 km) of the FSA's centroid,
-- one row per FSA and stream, with the FSA's clients in its latest quarter (controlled in
-- fct_access_by_fsa).  docs/measures.md ("Service access").
with

fsa_rows as (

    select
        *,
        row_number() over (partition by group_code, stream_code order by period desc) as recency
    from {{ ref('fct_access_by_fsa') }}
    where breakdown = 'fsa'

),

final as (

    select
        f.group_code as residence_fsa,
        c.place_name,
        f.community_size_code,
        f.stream_code,
        f.fsa_latitude,
        f.fsa_longitude,
        f.nearest_site_code,
        f.nearest_site_km,
        f.period as latest_period,
        f.suppressed,
        f.clients_served
    from fsa_rows as f
    inner join {{ ref('fsa_centroids') }} as c on c.fsa = f.group_code
    where f.recency = 1
      and (f.nearest_site_km is null or f.nearest_site_km > {{ var('access_gap_km') }})

)

select * from final
