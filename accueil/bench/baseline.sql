-- The bare DuckDB baseline of `accueil bench`: the headline marts straight from the raw
-- extracts, with no validation, no staging, no dbt and no Dagster.  It is what a careful
-- analyst would write by hand, and the yardstick the pipeline is measured against.
--
-- Input: getvariable('csv_dir') holds one folder per extract, <AGENCY>_<YYYY>Q<n>/, with the
-- extract's CSVs (one per sheet, header = machine names, as `accueil generate --format zip`
-- writes them, unzipped); getvariable('seeds_dir') is seeds/, for the code lists.
-- Output: baseline_outputs (outputs per agency x quarter, and per quarter for the region)
-- and baseline_outcomes (numerator and denominator of the main outcome rates per agency x
-- quarter, and for all agencies over all quarters), by the rules of docs/measures.md.

create or replace macro sheet(name) as table
    select
        regexp_extract(filename, '([A-Za-z0-9-]+)_([0-9]{4}Q[1-4])/[^/]*$', 1) as agency_code,
        regexp_extract(filename, '([A-Za-z0-9-]+)_([0-9]{4}Q[1-4])/[^/]*$', 2) as reported_quarter,
        * exclude (filename)
    from read_csv(
        getvariable('csv_dir') || '/*/' || name || '.csv',
        all_varchar = true, header = true, delim = ',', quote = '"', filename = true
    );

create or replace macro quarter_of(d) as cast(year(d) as varchar) || 'Q' || cast(quarter(d) as varchar);

create or replace table codes as
select code_list, label_en, code
from read_csv([getvariable('seeds_dir') || '/icare_code_values.csv',
               getvariable('seeds_dir') || '/accueil_code_values.csv'], all_varchar = true, header = true);

create or replace table clb as
select code_list, label_en, case when level_kind in ('clb', 'literacy') then cast(ordinal as integer) end as level
from read_csv(getvariable('seeds_dir') || '/clb_levels.csv', all_varchar = true, header = true);

-- Every service, one row per record of the seven service sheets.
create or replace table services as
select agency_code, reported_quarter, record_id, client_key, 'needs_assessment' as stream,
    try_cast(assessment_start_dt as date) as service_date
from sheet('Needs Assessment&Referrals')
union all
select agency_code, reported_quarter, record_id, client_key, 'information_orientation', try_cast(start_dttm as date)
from sheet('Info&Orien')
union all
select agency_code, reported_quarter, record_id, client_key, 'employment',
    coalesce(try_cast(intervention_start_dt as date), try_cast("short_term_service[1]entry_dt" as date))
from sheet('Employment')
union all
select agency_code, reported_quarter, record_id, client_key, 'community_connections',
    try_cast(service_start_dt as date)
from sheet('Community Connections')
union all
select agency_code, reported_quarter, record_id, client_key, 'language_training', try_cast(first_class_dt as date)
from sheet('LT Client Enrol')
union all
select agency_code, reported_quarter, record_id, client_key, 'language_training', try_cast(exit_course_dt as date)
from sheet('LT Client Exit')
union all
select agency_code, reported_quarter, record_id, client_key, 'language_assessment', try_cast(assessment_dt as date)
from sheet('Language Assessment');

create or replace table baseline_outputs as
select
    coalesce(agency_code, 'ALL') as agency_code,
    quarter_of(service_date) as period,
    count(distinct client_key) as clients_served,
    count(*) as services,
    count(*) filter (where stream = 'needs_assessment') as needs_assessment_services,
    count(*) filter (where stream = 'information_orientation') as information_orientation_services,
    count(*) filter (where stream = 'employment') as employment_services,
    count(*) filter (where stream = 'community_connections') as community_connections_services,
    count(*) filter (where stream = 'language_training') as language_training_services,
    count(*) filter (where stream = 'language_assessment') as language_assessment_services
from services
group by grouping sets ((agency_code, quarter_of(service_date)), (quarter_of(service_date)));

-- Outcome records: one per client (per referral for referral completion), with the agency
-- and date it is attributed to.
create or replace table followups as
select
    f.agency_code, f.record_id, f.client_key,
    try_cast(f.followup_dt as date) as followup_date,
    employment.code as employment_status,
    belonging.code as belonging
from sheet('Outcome Follow-up') as f
left join codes as employment
    on employment.code_list = 'followup_employment_status' and employment.label_en = f.employment_status_id
left join codes as belonging
    on belonging.code_list = 'belonging_scale' and belonging.label_en = f.sense_of_belonging_id;

create or replace table observations as
select
    o.kind, o.agency_code, o.record_id, o.client_key, o.observation_date,
    listening.level as listening, speaking.level as speaking, reading.level as reading, writing.level as writing
from (
    select 'assessment' as kind, agency_code, record_id, client_key, try_cast(assessment_dt as date) as observation_date,
        "listening_CLB_level_id" as l, "speaking_CLB_level_id" as s, "reading_CLB_level_id" as r,
        "writing_CLB_level_id" as w
    from sheet('Language Assessment')
    union all
    select 'course_exit', agency_code, record_id, client_key, try_cast(exit_course_dt as date),
        "listening_CLB_level_id", "speaking_CLB_level_id", "reading_CLB_level_id", "writing_CLB_level_id"
    from sheet('LT Client Exit')
) as o
left join clb as listening on listening.code_list = 'clb_listening_speaking' and listening.label_en = o.l
left join clb as speaking on speaking.code_list = 'clb_listening_speaking' and speaking.label_en = o.s
left join clb as reading on reading.code_list = 'clb_reading_writing' and reading.label_en = o.r
left join clb as writing on writing.code_list = 'clb_reading_writing' and writing.label_en = o.w;

create or replace table outcome_records as
with
first_assessment as (
    select * from observations where kind = 'assessment'
    qualify row_number() over (partition by client_key order by observation_date, agency_code, record_id) = 1
),
last_after_90_days as (
    select later.* from observations as later
    join first_assessment as first
        on later.client_key = first.client_key and later.observation_date >= first.observation_date + 90
    qualify row_number() over (
        partition by later.client_key
        order by later.observation_date desc, later.agency_code desc, later.record_id desc
    ) = 1
),
language as (
    select 'language_gain_any' as outcome, f.client_key as unit_id, l.agency_code, l.observation_date as outcome_date,
        coalesce(l.listening > f.listening, false) or coalesce(l.speaking > f.speaking, false)
            or coalesce(l.reading > f.reading, false) or coalesce(l.writing > f.writing, false) as is_met
    from first_assessment as f
    join last_after_90_days as l using (client_key)
    where (f.listening is not null and l.listening is not null) or (f.speaking is not null and l.speaking is not null)
        or (f.reading is not null and l.reading is not null) or (f.writing is not null and l.writing is not null)
),
first_employment_service as (
    select client_key, agency_code, service_date from services where stream = 'employment'
    qualify row_number() over (partition by client_key order by service_date, agency_code, record_id) = 1
),
employment as (
    select 'employment_at_followup' as outcome, f.client_key as unit_id, e.agency_code, f.followup_date as outcome_date,
        f.employment_status in ('employed_full_time', 'employed_part_time', 'self_employed') as is_met
    from followups as f
    join first_employment_service as e
        on f.client_key = e.client_key
        and f.followup_date between e.service_date + 183 and e.service_date + 365
    qualify row_number() over (partition by f.client_key order by f.followup_date, f.agency_code, f.record_id) = 1
),
belonging as (
    select 'sense_of_belonging' as outcome, client_key as unit_id, agency_code, followup_date as outcome_date,
        belonging in ('very_strong', 'somewhat_strong') as is_met
    from followups
    where belonging is not null and belonging <> 'no_answer'
    qualify row_number() over (partition by client_key order by followup_date, agency_code, record_id) = 1
),
referrals as (
    select n.agency_code, n.reported_quarter, n.record_id, n.client_key,
        nullif(trim(n.referral_agency_cd), '') as receiving_agency_code,
        stream.code as stream, try_cast(n.referral_dt as date) as referral_date
    from sheet('Needs Assessment&Referrals') as n
    left join codes as stream on stream.code_list = 'service_stream' and stream.label_en = n.referral_stream_id
    where nullif(trim(n.referral_agency_cd), '') is not null
),
answers as (
    select client_key, agency_code, service_date, stream from services
    union all
    select client_key, agency_code, service_date, 'language_training' from services
    where stream = 'language_assessment'
),
data_end as (
    select max(last_day(cast(left(reported_quarter, 4) || '-' || (3 * cast(right(reported_quarter, 1) as integer))
        || '-01' as date))) as last_day
    from services
),
referral as (
    select 'referral_completion_90d' as outcome,
        r.agency_code || '|' || r.reported_quarter || '|' || r.record_id as unit_id,
        r.agency_code, r.referral_date as outcome_date,
        exists (
            select 1 from answers as a
            where a.client_key = r.client_key and a.agency_code = r.receiving_agency_code and a.stream = r.stream
                and a.service_date between r.referral_date + 1 and r.referral_date + 90
        ) as is_met
    from referrals as r, data_end as d
    -- to a partner only: a referral an agency makes to itself is not "no wrong door"
    where r.referral_date + 90 <= d.last_day and r.receiving_agency_code <> r.agency_code
)
select * from language
union all select * from employment
union all select * from belonging
union all select * from referral;

create or replace table baseline_outcomes as
select
    outcome,
    coalesce(agency_code, 'ALL') as agency_code,
    coalesce(quarter_of(outcome_date), 'all') as period,
    count(*) filter (where is_met) as numerator,
    count(distinct unit_id) as denominator
from outcome_records
group by grouping sets ((outcome, agency_code, quarter_of(outcome_date)), (outcome));
