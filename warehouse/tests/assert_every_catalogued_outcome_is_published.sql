-- Every outcome of the seed outcome_catalogue has cells in fct_outcome_rates, by every breakdown
-- the catalogue lists for it: a catalogue row whose SQL was never written shows here.
--
-- A warning, not an error: a partnership's first quarters may hold no follow-up 6 to 12 months
-- after an employment service, or no referral whose 90-day window has closed, and a build must
-- still publish what it has (the Dagster asset logs every test that warned).  On the sample
-- region, which has every outcome, tests/test_outcome_catalogue.py requires it to pass.
{{ config(severity='warn') }}
with

catalogued as (

    select outcome, unnest(string_split(breakdowns, ' ')) as breakdown
    from {{ ref('outcome_catalogue') }}

),

published as (

    select distinct outcome, breakdown
    from {{ ref('fct_outcome_rates') }}

)

select c.*
from catalogued as c
where not exists (
    select 1
    from published as p
    where p.outcome = c.outcome and p.breakdown = c.breakdown
)
