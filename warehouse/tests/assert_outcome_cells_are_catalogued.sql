-- Every outcome fct_outcome_rates publishes is in the seed outcome_catalogue, in the unit the
-- catalogue gives it and by breakdowns the catalogue lists for it: an outcome's SQL without its
-- catalogue row (or with another unit or breakdown) fails the build.  The other way round, a
-- catalogue row without its SQL, is assert_every_catalogued_outcome_is_published.
with

published as (

    select distinct outcome, unit, breakdown
    from {{ ref('fct_outcome_rates') }}

),

catalogued as (

    select outcome, unit, unnest(string_split(breakdowns, ' ')) as breakdown
    from {{ ref('outcome_catalogue') }}

)

select p.*
from published as p
where not exists (
    select 1
    from catalogued as c
    where c.outcome = p.outcome and c.unit = p.unit and c.breakdown = p.breakdown
)
