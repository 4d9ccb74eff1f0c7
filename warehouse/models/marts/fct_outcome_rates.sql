-- Outcome rates under disclosure control: the cells of int_outcome_cells, with suppressed
-- cells keeping their row and no numbers.  int_outcome_rates_controlled applies the control;
-- this is its table without the control's own columns.  docs/measures.md states the rules.
select * exclude ({{ outcome_rates_control_columns() | join(', ') }})
from {{ ref('int_outcome_rates_controlled') }}
