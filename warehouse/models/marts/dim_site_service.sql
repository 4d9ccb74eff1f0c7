-- One row per site and service stream offered there, with the languages it is offered in:
-- what the directory ("no wrong door") searches.
select
    site_code,
    stream_code,
    language_codes,
    offered_in_french
from {{ ref('int_site_streams') }}
