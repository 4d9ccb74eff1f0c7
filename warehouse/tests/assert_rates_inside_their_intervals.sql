-- Every published rate lies in its interval; proportions lie in [0, 1].
select *
from {{ ref('fct_outcome_rates') }}
where not suppressed
  and (rate < ci_low - 1e-9 or rate > ci_high + 1e-9
       or (unit = 'proportion' and (rate < 0 or rate > 1 or numerator > denominator)))
