{#-
    On an incremental build, the data tests that look at one row, or one extract partition, at
    a time run only on the rows this build wrote; every other test runs on the whole table.

    The build's scope is the extract uploads loaded now that were not loaded when the last
    build whose models and tests all passed ran (`record_build_scope` at the start of the run,
    `close_build_scope` at its end): new extracts, corrections, and an older upload made current
    again (`accueil uploads restore`).  Those uploads' rows are what the partition models
    (macros/extract_partitions.sql) wrote in this run, or in a failed run before it, whose rows
    were never published.  A test of such a
    model then reads `(select * from the model where upload_id in the scope)`, through dbt's
    `get_where_subquery`, the hook its `where` config goes through.

    Scoped, because an old partition's rows cannot change their result: `not_null` (left only
    on seeds and one conditional check: a table's not-null columns are constraints of its
    contract, checked by DuckDB as each row is written, and so are the published counts of a
    row not suppressed, as CHECKs) and `accepted_values` (one row at a time; likewise a CHECK
    constraint on partition models, left on seeds and the small reference tables),
    `unique_within`, `relationships_within` and
    `no_value_lost` (within one extract partition, which is written whole).  Not scoped:
    `unique` and `relationships` (an old row can collide with a new one, or lose the row it
    points to in another table), every singular test, and every test of a model built whole.
    `accueil build --full-refresh` (and a build whose dbt project changed) tests everything, and
    so does a `dbt test` run by hand: only `dbt build`, which writes the rows, keeps the scope
    (`dbt compile` shows what a build would run).

    The models kept by client (macros/client_partitions.sql) have no upload id: on a build that
    recomputed only the touched clients, their `unique` and `unique_within` tests whose groups
    hold one client each (client_key among the grouping columns) read those clients' rows.
    Whether the model's last build did is recorded by its pre-hook (main.dbt_client_models), so
    `dbt compile` shows what the last build ran.
-#}

{% macro tests_on_changed_rows() -%}
    {{ return(['not_null', 'accepted_values', 'unique_within', 'relationships_within', 'no_value_lost']) }}
{%- endmacro %}


{% macro record_build_scope() -%}
    {%- if flags.WHICH != 'build' -%}{{ return('') }}{%- endif %}
    create table if not exists main.dbt_built_uploads (upload_id bigint not null);
    create or replace table main.dbt_build_scope as
    select upload_id
    from raw.loads
    where kind = 'extract'
    {%- if not flags.FULL_REFRESH %}
        and upload_id not in (select upload_id from main.dbt_built_uploads)
    {%- endif %};
{%- endmacro %}


{% macro close_build_scope(results) -%}
    {%- set failed = results | selectattr('status', 'in', ['error', 'fail', 'skipped', 'runtime error']) | list -%}
    {#- `execute`: a parse renders this hook too, with no results and an empty graph. -#}
    {%- if execute and flags.WHICH == 'build' and not failed -%}
    create or replace table main.dbt_built_uploads as
    select upload_id from raw.loads where kind = 'extract';
    {{ close_client_scope() }}
    {%- endif -%}
{%- endmacro %}


{% macro get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do conditions.append(where) -%}
    {%- endif -%}
    {%- if execute and flags.WHICH in ('build', 'compile') and not flags.FULL_REFRESH
        and _scoped_to_changed_rows(relation) -%}
        {%- do conditions.append('upload_id in (select upload_id from main.dbt_build_scope)') -%}
    {%- elif execute and flags.WHICH in ('build', 'compile') and not flags.FULL_REFRESH
        and _scoped_to_touched_clients(relation) -%}
        {%- do conditions.append('client_key in (select client_key from main.dbt_touched_clients)') -%}
    {%- endif -%}
    {#- Unaliased, unlike dbt's own: DuckDB allows that, and the tests in macros/ alias their model. -#}
    {%- if conditions -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ conditions | join(' and ') ~ ')') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}


{% macro _scoped_to_changed_rows(relation) -%}
    {%- set test = model.get('test_metadata') -%}
    {%- if not test or test.get('name') not in tests_on_changed_rows() -%}
        {{ return(false) }}
    {%- endif -%}
    {#- A lookup by id, not a walk over the graph: this runs for every test. -#}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ relation.identifier) -%}
    {#- Kept by extract partition (macros/extract_partitions.sql), not by client (client_partitions.sql). -#}
    {{ return(node is not none and node.schema == relation.schema and node.config.materialized == 'incremental'
              and node.config.get('unique_key') == ['agency_code', 'reported_quarter']) }}
{%- endmacro %}


{#- A uniqueness test of a model kept by client (macros/client_partitions.sql) whose groups hold
    one client each (client_key among the columns it groups by) reads the rows of the touched
    clients only, when this build recomputed only those: another client's rows are as they were
    when they passed. -#}
{% macro _scoped_to_touched_clients(relation) -%}
    {%- set test = model.get('test_metadata') -%}
    {%- if not test or test.get('name') not in ('unique', 'unique_within') -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set kwargs = test.get('kwargs') or {} -%}
    {%- if kwargs.get('column_name') != 'client_key' and 'client_key' not in (kwargs.get('within') or []) -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ relation.identifier) -%}
    {%- if node is none or node.schema != relation.schema
        or 'delete_recomputed_clients' not in (node.config.get('pre-hook') or []) | map(attribute='sql') | join(' ') -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set found = run_query(
        "select coalesce((select touched_only from main.dbt_client_models where model = '" ~ relation.identifier ~ "'), false)"
    ) -%}
    {{ return(found.columns[0].values()[0]) }}
{%- endmacro %}
