-- Outcome rates under disclosure control: the cells of int_outcome_cells, with suppressed
-- cells keeping their row and no numbers (int_outcome_rates_controlled applies the control).
-- docs/measures.md states the rules.
select
    outcome,
    period,
    agency_code,
    breakdown,
    breakdown_value,
    unit,
    suppressed,
    numerator,
    denominator,
    rate,
    ci_low,
    ci_high,
    coverage_suppressed,
    eligible,
    coverage
from {{ ref('int_outcome_rates_controlled') }}
