-- Every version of every outside observation ever loaded: what the council published when,
-- and which upload corrected it.  fct_indicator_progress shows the current versions only.
select
    indicator_code,
    geography_code,
    period,
    version,
    is_current,
    value,
    unit,
    denominator,
    margin_of_error,
    source_note,
    upload_id,
    superseded_by_upload_id,
    loaded_at
from {{ ref('int_indicator_observation_versions') }}
