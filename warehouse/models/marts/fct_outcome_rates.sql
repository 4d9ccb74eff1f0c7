-- Outcome rates under disclosure control: the cells of int_outcome_cells, with suppressed
-- cells keeping their row and no numbers.  int_outcome_rates_controlled applies the control;
-- this is its table without the control's own columns.  docs/measures.md states the rules.
select * exclude (rate_primary, cell_denominator, rate_picks, coverage_primary, cell_eligible, coverage_picks,
    suppression_rules)
from {{ ref('int_outcome_rates_controlled') }}
