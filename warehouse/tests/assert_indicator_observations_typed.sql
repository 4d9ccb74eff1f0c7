-- Typing lost nothing: a filled cell of the council's files is never null once typed
-- (the source is not `raw`, so the no_value_lost test does not apply).
select typed.upload_id, typed.row_number
from {{ ref('stg_indicator_observations') }} as typed
inner join {{ source('indicators', 'indicator_observations') }} as raw_row
    on raw_row.upload_id = typed.upload_id and raw_row.row_number = typed.row_number
where (nullif(trim(raw_row.value), '') is not null and typed.value is null)
   or (nullif(trim(raw_row.denominator), '') is not null and typed.denominator is null)
   or (nullif(trim(raw_row.margin_of_error), '') is not null and typed.margin_of_error is null)
   or (nullif(trim(raw_row.period), '') is not null and typed.period_end is null)
