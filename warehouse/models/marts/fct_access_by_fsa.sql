-- Access to services: per quarter and service stream, the clients served (located by their
-- residence FSA), the distance from each residence FSA to the nearest site offering the stream,
-- and the share of clients beyond 25 km and 50 km of one, by residence FSA, community size and
-- official language, under disclosure control.  docs/measures.md ("Service access") defines
-- every column; fct_access_by_fsa.yml lists them.
{% set near_km = 25 %}
{% set far_km = 50 %}
with

clients as (

    select
        *,
        nearest_site_km is null or nearest_site_km > {{ near_km }} as is_beyond_near,
        nearest_site_km is null or nearest_site_km > {{ far_km }} as is_beyond_far
    from {{ ref('int_client_access') }}

),

{# The clients counted by a cell do not depend on the stream: they are counted, and their
   counts controlled, once per quarter and group, so that every stream shows the same count. #}
people as (

    select distinct period, client_key, residence_fsa, community_size_code, official_language_code
    from clients

),

count_cells as (

    select period, 'all' as breakdown, 'all' as group_code, null as community_size_code, count(*) as clients_served
    from people group by all
    union all
    select period, 'community_size', community_size_code, community_size_code, count(*)
    from people group by all
    union all
    select period, 'official_language', official_language_code, null, count(*)
    from people group by all
    union all
    select period, 'fsa', residence_fsa, community_size_code, count(*)
    from people group by all

),

controlled_counts as (

    select
        row_number() over (order by period, breakdown, group_code) as cell_id,
        *,
        {{ primary_suppression('clients_served', proportion=false) }} as suppressed
    from count_cells

),

{# The groups of cells that add up: a size's FSAs to the size, the sizes to the quarter's total,
   the official languages to the quarter's total. #}
count_memberships as (

    select cell_id, 'fsa' as family, concat_ws(chr(31), period, community_size_code) as group_id,
        breakdown = 'community_size' as is_total
    from controlled_counts
    where breakdown in ('fsa', 'community_size')
    union all
    select cell_id, 'community_size', period, breakdown = 'all'
    from controlled_counts
    where breakdown in ('community_size', 'all')
    union all
    select cell_id, 'official_language', period, breakdown = 'all'
    from controlled_counts
    where breakdown in ('official_language', 'all')

),

{# In a group, parts before the total, then the fewest clients, then by breakdown and group. #}
counts as (

    {{ complementary_suppression(
        'controlled_counts', 'count_memberships', ['fsa', 'community_size', 'official_language'],
        order_by='is_total, clients_served, breakdown, group_code', rounds=5) }}

),

fsa_streams as (

    select distinct residence_fsa, stream_code, nearest_site_code, nearest_site_km
    from clients

),

beyond as (

    select period, stream_code, 'all' as breakdown, 'all' as group_code,
        count(*) filter (where is_beyond_near) as beyond_near, count(*) filter (where is_beyond_far) as beyond_far
    from clients group by all
    union all
    select period, stream_code, 'community_size', community_size_code,
        count(*) filter (where is_beyond_near), count(*) filter (where is_beyond_far)
    from clients group by all
    union all
    select period, stream_code, 'official_language', official_language_code,
        count(*) filter (where is_beyond_near), count(*) filter (where is_beyond_far)
    from clients group by all
    union all
    select period, stream_code, 'fsa', residence_fsa,
        count(*) filter (where is_beyond_near), count(*) filter (where is_beyond_far)
    from clients group by all

),

{# A residence FSA's share beyond a distance is 0 or 1, and follows from its published distance:
   it is shown with its count.  The share of a total (the quarter, a community size) would give
   back the clients of a suppressed FSA beyond the distance when that FSA is the only suppressed
   one under the total beyond it; such a share is suppressed. #}
lone_far as (

    select
        c.period,
        b.stream_code,
        t.breakdown,
        t.group_code,
        count(*) filter (where c.suppressed and b.beyond_near > 0) = 1
            or count(*) filter (where c.suppressed and b.beyond_far > 0) = 1 as gives_back_an_fsa
    from counts as c
    inner join beyond as b
        on b.period = c.period and b.breakdown = 'fsa' and b.group_code = c.group_code
    inner join (
        select 'all' as breakdown, 'all' as group_code, community_size_code from (select distinct community_size_code from people)
        union all
        select 'community_size', community_size_code, community_size_code from (select distinct community_size_code from people)
    ) as t on t.community_size_code = c.community_size_code
    where c.breakdown = 'fsa'
    group by all

),

share_cells as (

    select
        row_number() over (order by c.period, b.stream_code, c.breakdown, c.group_code) as cell_id,
        c.period,
        b.stream_code,
        c.breakdown,
        c.group_code,
        c.community_size_code,
        c.suppressed as count_suppressed,
        c.clients_served,
        b.beyond_near,
        b.beyond_far,
        c.suppressed or (
            c.breakdown <> 'fsa' and (
                {{ primary_suppression('c.clients_served', 'b.beyond_near') }}
                or {{ primary_suppression('c.clients_served', 'b.beyond_far') }}
                or coalesce(l.gives_back_an_fsa, false)
            )
        ) as suppressed
    from counts as c
    inner join beyond as b using (period, breakdown, group_code)
    left join lone_far as l using (period, stream_code, breakdown, group_code)

),

{# The shares of the parts of a total add up to it (as counts beyond the distance): the same
   group rule, per stream, over the sizes and over the languages. #}
share_memberships as (

    select cell_id, 'community_size' as family, concat_ws(chr(31), period, stream_code) as group_id,
        breakdown = 'all' as is_total
    from share_cells
    where breakdown in ('community_size', 'all')
    union all
    select cell_id, 'official_language', concat_ws(chr(31), period, stream_code), breakdown = 'all'
    from share_cells
    where breakdown in ('official_language', 'all')

),

shares as (

    {{ complementary_suppression(
        'share_cells', 'share_memberships', ['community_size', 'official_language'],
        order_by='is_total, clients_served, breakdown, group_code', rounds=5) }}

),

final as (

    select
        s.period,
        s.stream_code,
        s.breakdown,
        s.group_code,
        s.community_size_code,
        fsa.latitude as fsa_latitude,
        fsa.longitude as fsa_longitude,
        f.nearest_site_code,
        f.nearest_site_km,
        s.count_suppressed as suppressed,
        cast(case when not s.count_suppressed then s.clients_served end as bigint) as clients_served,
        s.suppressed as share_suppressed,
        cast(case when not s.suppressed then s.beyond_near end as bigint) as clients_beyond_25km,
        cast(case when not s.suppressed then s.beyond_far end as bigint) as clients_beyond_50km,
        case when not s.suppressed then s.beyond_near / s.clients_served end::double as share_beyond_25km,
        case when not s.suppressed then s.beyond_far / s.clients_served end::double as share_beyond_50km
    from shares as s
    left join fsa_streams as f
        on s.breakdown = 'fsa' and f.residence_fsa = s.group_code and f.stream_code = s.stream_code
    left join {{ ref('fsa_centroids') }} as fsa
        on s.breakdown = 'fsa' and fsa.fsa = s.group_code

)

select * from final
