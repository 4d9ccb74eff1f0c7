-- Every cell's eligible population holds its denominator: coverage lies in (0, 1], in the
-- cells before disclosure control and where it is published.  And eligible and coverage are
-- published only beside a published rate.
select 'cells' as model, outcome, period, agency_code, breakdown, breakdown_value
from {{ ref('int_outcome_cells') }}
where eligible < denominator or coverage <= 0 or coverage > 1
union all
select 'rates', outcome, period, agency_code, breakdown, breakdown_value
from {{ ref('fct_outcome_rates') }}
where (eligible is not null and (eligible < denominator or coverage <= 0 or coverage > 1))
   or (suppressed and not coverage_suppressed)
