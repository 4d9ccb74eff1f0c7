{#-
    Models kept by extract partition (agency x quarter), built incrementally: a run adds the
    rows of the uploads loaded since the last run and, for a corrected extract, replaces its
    partition's rows.  The raw tables hold only the upload loaded for each partition
    (accueil.ingest.warehouse), so "new" is an upload id the model does not hold yet.

        models/staging/extracts/ in dbt_project.yml, or a model's own config block:
            materialized: incremental
            unique_key: [agency_code, reported_quarter]
            incremental_strategy: delete+insert
            on_schema_change: fail
            post-hook: "{{ drop_replaced_uploads('agency_code', 'reported_quarter') }}"
        and in the model, where it reads its raw table:
            select * from {{ source('raw', 'employment') }} {{ where_new_uploads() }}

    delete+insert replaces a partition only when the new upload brings rows to it; a corrected
    extract with an empty sheet brings none, so the post-hook drops every row whose upload is
    no longer the one loaded for its partition.  A build whose dbt project changed since the
    last one rebuilds every such model (`accueil build --full-refresh`, chosen by
    orchestration/dbt_project_state.py), since a changed seed or model would not reach the rows kept.
-#}

{% macro where_new_uploads(column='upload_id') -%}
    {%- if is_incremental() -%}
    where {{ column }} not in (select distinct upload_id from {{ this }})
    {%- endif -%}
{%- endmacro %}


{% macro drop_replaced_uploads(agency_column, quarter_column) -%}
    delete from {{ this }} as kept
    where not exists (
        select 1 from {{ source('raw', 'loads') }} as l
        where l.kind = 'extract'
            and l.agency_cd = kept.{{ agency_column }}
            and l.quarter = kept.{{ quarter_column }}
            and l.upload_id = kept.upload_id
    )
{%- endmacro %}
