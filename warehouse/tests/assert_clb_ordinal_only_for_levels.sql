-- In clb_levels, a value has an ordinal if and only if it is a level (kind clb or
-- literacy), and the ordinals follow the documented scale: CLB n is n, the literacy
-- levels run from -4 (Foundation L) to 0 (4L). Returns the rows that break this.

select *
from {{ ref('clb_levels') }}
where (level_kind in ('clb', 'literacy')) <> (ordinal is not null)
    or (level_kind = 'clb' and cast(ordinal as varchar) <> code)
    or (level_kind = 'literacy' and ordinal not between -4 and 0)
