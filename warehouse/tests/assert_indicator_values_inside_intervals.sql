-- Every published indicator value lies in its interval, percentages stay in [0, 100], and a
-- suppressed cell has no numbers.
select *
from {{ ref('fct_indicator_progress') }}
where (suppressed and (value is not null or ci_low is not null or ci_high is not null or denominator is not null))
   or (not suppressed and (value < ci_low - 1e-9 or value > ci_high + 1e-9))
   or (unit = 'percent' and value not between 0 and 100)
   or (margin_of_error < 0)
