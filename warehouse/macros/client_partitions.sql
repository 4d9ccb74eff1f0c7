{#-
    Models kept by client, built incrementally: a run recomputes the rows of the clients the
    build's uploads touch and keeps every other client's rows as they are.

    A row of such a model depends on the client's own rows of every extract (a latest profile, a
    first service, a need met at any agency) and on a few things shared by all clients: the
    agencies' reference files (sites, streams) and the last quarter any extract reports (a
    follow-up window is closed by the end of it).  So a run recomputes:

    * the touched clients only, when the last build passed (models and tests) and neither of the
      shared things changed since: the clients of the uploads in the build's scope (new
      extracts, corrections, an upload made current again; macros/tests_on_changed_rows.sql) and
      those of uploads loaded then and not now (the rows a correction replaced);
    * every client otherwise (a reference file loaded, a later quarter, `--full-refresh`, the
      first build, a build after one that failed).

    Which clients an upload holds is kept in main.dbt_upload_clients, written from the raw tables
    at the start of a run for the uploads in scope, so that the clients of an upload that has
    since been replaced are still known when its rows are gone.  The shared things are recorded
    at the end of a run that passed (main.dbt_built_shared) and taken away at the start of the
    next, so a run that fails leaves none: it may have recomputed some models whole and others
    not, and the run after it recomputes every client.

        models/intermediate/clients/ in dbt_project.yml:
            materialized: incremental
            incremental_strategy: append
            on_schema_change: fail
            pre-hook: "{{ delete_recomputed_clients() }}"
        and in the model:
            {%- set touched = touched_clients_only() %}
        ... from {{ for_clients(ref('stg_employment'), touched) }} ...

    Every read of a client's rows goes through for_clients; a read that must see every client (the
    last quarter any extract reports) reads the ref itself.  The pre-hook deletes the rows about to
    be recomputed in the same transaction as the insert.
-#}

{% macro record_client_scope() -%}
    {%- if flags.WHICH != 'build' or not execute -%}{{ return('') }}{%- endif -%}
    {%- set found = run_query(
        "select table_name from duckdb_columns() where database_name = current_database() and schema_name = 'raw'"
        ~ " and column_name in ('client_key', 'upload_id') group by table_name having count(*) = 2 order by table_name"
    ) -%}
    {%- set tables = found.columns[0].values() -%}
    create table if not exists main.dbt_upload_clients (upload_id bigint not null, client_key varchar not null);
    create table if not exists main.dbt_client_models (model varchar primary key, touched_only boolean not null);
    {#- The shared things as the last build that passed saw them, taken for this run: until this run
        passes, none is recorded, so that a run after a failed one recomputes every client (a failed
        run may have recomputed some models whole and not the others). -#}
    create table if not exists main.dbt_built_shared (reference_uploads bigint[], last_quarter varchar);
    create or replace table main.dbt_shared_for_run as select * from main.dbt_built_shared;
    delete from main.dbt_built_shared;
    delete from main.dbt_upload_clients where upload_id in (select upload_id from main.dbt_build_scope);
    {% if tables %}
    insert into main.dbt_upload_clients
    select distinct upload_id, client_key
    from (
        {% for table in tables %}
        select upload_id, client_key from raw."{{ table }}"
        where upload_id in (select upload_id from main.dbt_build_scope)
        {% if not loop.last %}union all{% endif %}
        {% endfor %}
    )
    where client_key is not null;
    {% endif %}
    create or replace table main.dbt_touched_clients as
    select distinct client_key
    from main.dbt_upload_clients
    where upload_id in (select upload_id from main.dbt_build_scope)
        or upload_id not in (select upload_id from raw.loads where kind = 'extract');
{%- endmacro %}


{#- At the end of a run whose models and tests all passed (close_build_scope): the shared things
    as this build saw them, and the clients of uploads no longer loaded forgotten. -#}
{% macro close_client_scope() -%}
    create or replace table main.dbt_built_shared as {{ _shared_now() }};
    delete from main.dbt_upload_clients
    where upload_id not in (select upload_id from raw.loads where kind = 'extract');
{%- endmacro %}


{#- True when this run recomputes only the touched clients: the model's table exists, this is no
    full refresh, and the reference files and the last quarter are those of the last build. -#}
{% macro touched_clients_only() -%}
    {#- A unit test renders the model with no table behind `this` (is_incremental() would fail). -#}
    {%- if not execute or flags.WHICH != 'build' or model.resource_type != 'model' or not is_incremental() -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set found = run_query(
        "select coalesce((select b.reference_uploads = n.reference_uploads"
        ~ " and b.last_quarter is not distinct from n.last_quarter"
        ~ " from main.dbt_shared_for_run as b, (" ~ _shared_now() ~ ") as n), false)"
    ) -%}
    {{ return(found.columns[0].values()[0]) }}
{%- endmacro %}


{#- The shared things now, one row: the reference loads and the last quarter any extract reports. -#}
{% macro _shared_now() -%}
    {%- set events = _service_events() -%}
    select
        (select coalesce(list(upload_id order by upload_id), []) from raw.loads where kind <> 'extract')
            as reference_uploads,
        {% if events is not none %}(select max(reported_quarter) from {{ events }}){% else %}null{% endif %}
            as last_quarter
{%- endmacro %}


{#- The relation, or only its rows of the touched clients. -#}
{% macro for_clients(relation, touched) -%}
    {%- if touched -%}
    (select * from {{ relation }} where client_key in (select client_key from main.dbt_touched_clients))
    {%- else -%}
    {{ relation }}
    {%- endif -%}
{%- endmacro %}


{#- The pre-hook: the rows this run recomputes deleted, in the insert's transaction, and whether
    it recomputes the touched clients only recorded for the model's tests (_scoped_to_touched_clients
    in tests_on_changed_rows.sql). -#}
{% macro delete_recomputed_clients() -%}
    {%- if model.resource_type == 'model' -%}
    {%- set touched = touched_clients_only() -%}
    insert or replace into main.dbt_client_models values ('{{ this.identifier }}', {{ touched }});
    {%- if is_incremental() %}
    delete from {{ this }}{% if touched %} where client_key in (select client_key from main.dbt_touched_clients){% endif %};
    {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#- int_service_events, found through the graph rather than ref(): a hook or macro that refs a
    model would make dbt add it to the calling node's dependencies. -#}
{% macro _service_events() -%}
    {%- set node = graph.get('nodes', {}).get('model.' ~ project_name ~ '.int_service_events') -%}
    {%- if node is none -%}{{ return(none) }}{%- endif -%}
    {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias)) }}
{%- endmacro %}
