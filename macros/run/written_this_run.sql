{#- Data tests on the large incremental models check the rows this run wrote.

    Every row of a large incremental model (base_<table>, stg_<table>_triaged and the
    lead-partitioned models: int_activity_rule_matches, int_activities_scored,
    int_lead_first_engagements, int_lead_score_moments, int_lead_mql_level_moments,
    int_lead_threshold_crossings, int_lead_stage_entries) carries written_by_run_id: the dbt
    invocation_id of the run that wrote it (written_by_run_id()). A daily run writes the rows
    of what changed (a new landing, the leads whose inputs changed); the rows it did not write
    were checked by the run that wrote them and have not changed since. So the data tests of
    these models check only the rows this run wrote (written_this_run()), and a daily run's
    tests cost what the day brought.

    Every test still runs on every row when that is what the run is about:
      - a --full-refresh writes every row (make test builds with --full-refresh);
      - `dbt test` (or a build that does not build the tested model) wrote none of them: it
        checks all rows, so a check on its own is always complete;
      - the var data_tests_on_all_rows: true checks all rows in any run, e.g. after a build
        whose tests failed (its rows stay in the tables; the next run does not rewrite the
        leads it did not change, so only this var, or --full-refresh, checks them again).

    A generic test filters with its `where` config. dbt renders `where` when it parses the
    project, without project macros and, with partial parsing, possibly in an earlier
    invocation, so the config names the placeholder __written_this_run__ instead, which
    get_where_subquery below replaces when the test runs (the workaround the dbt docs give
    for custom logic in `where`):
        data_tests:
          - unique:
              config: {where: "__written_this_run__"}
    A singular test calls written_this_run('<model>') in its SQL (rendered when it runs).

    A view over a large incremental table (stg_activities, int_activities_lead_checked,
    fct_lead_activities) shows that table's rows: its rows that changed are those of the
    table's rows this run wrote. Its YAML names the table and the key that links a view row to
    a table row, and its tests use the same placeholder:
        config:
          meta:
            written_rows: {model: int_activities_scored, key: activity_id}
    The filter is then `<key> is null or <key> in (the keys of the table's rows this run
    wrote)`, when this build builds both the view and the table (otherwise every row): a row
    without a key is always checked, so a not_null on the key can still fail. A view whose
    rows also depend on other models (a join) may only filter the rules that hold row by row
    on the table's columns.

    A view's own SQL is not part of what decides which table rows a run writes: after a
    change to a view's SQL, run once with --vars '{data_tests_on_all_rows: true}' (or
    --full-refresh) so its tests check every row again. -#}

{#- The value of written_by_run_id for the rows this run writes: its invocation_id. -#}
{% macro written_by_run_id() -%}
    cast('{{ invocation_id }}' as {{ dbt.type_string() }})
{%- endmacro %}

{#- The predicate that keeps the rows of `model_name` (default: the model the running generic
    test is attached to) this run wrote: written_by_run_id = this invocation_id when this
    `dbt build` builds the model incrementally, `1 = 1` (every row) otherwise. A model
    built as a plain table (Spark) writes every row anyway. `relation_alias` qualifies the
    column (`alias.written_by_run_id`). -#}
{% macro written_this_run(model_name=none, relation_alias=none) -%}
    {%- set every_row = '1 = 1' -%}
    {%- if not execute or flags.FULL_REFRESH or var('data_tests_on_all_rows', false) -%}
        {{ return(every_row) }}
    {%- endif -%}
    {%- if model_name -%}
        {%- set unique_id = 'model.' ~ project_name ~ '.' ~ model_name -%}
    {%- else -%}
        {%- set unique_id = model.attached_node -%}
    {%- endif -%}
    {%- if flags.WHICH != 'build' or unique_id not in selected_resources -%}
        {{ return(every_row) }}
    {%- endif -%}
    {%- set prefix = relation_alias ~ '.' if relation_alias else '' -%}
    {%- set node = graph.nodes.get(unique_id) -%}
    {%- set written_rows = node.config.get('meta', {}).get('written_rows') if node else none -%}
    {%- if written_rows -%}
        {#- a view: the rows of its table this run wrote, by key (the table's relation name
            from the graph: a ref() here would be a dependency the test does not declare) -#}
        {%- set table_id = 'model.' ~ project_name ~ '.' ~ written_rows.model -%}
        {%- if table_id not in selected_resources -%}
            {{ return(every_row) }}
        {%- endif -%}
        {%- set key = prefix ~ written_rows.key -%}
        {{ return('(' ~ key ~ ' is null or ' ~ key ~ ' in (select ' ~ written_rows.key ~ ' from '
            ~ graph.nodes[table_id].relation_name ~ " where written_by_run_id = '" ~ invocation_id ~ "'))") }}
    {%- endif -%}
    {{ return(prefix ~ "written_by_run_id = '" ~ invocation_id ~ "'") }}
{%- endmacro %}

{#- dbt's get_where_subquery (a generic test reads `where (select * from model where ...)`),
    with the placeholder __written_this_run__ replaced by written_this_run() when the test
    runs; a filter that keeps every row reads the model itself. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where and '__written_this_run__' in where -%}
        {%- set where = where | replace('__written_this_run__', written_this_run()) -%}
    {%- endif -%}
    {%- if where and where | trim != '1 = 1' -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- else -%}
        {{ return(relation) }}
    {%- endif -%}
{%- endmacro %}

{#- For a singular test: the predicate `<lead_column> in (the leads of model_name this run wrote
    rows of)`, or `1 = 1` when the test checks every row (see written_this_run). For the
    checks that hold lead by lead on a lead-partitioned model: a lead's rows are written
    together, so the leads this run wrote are those whose rows changed. -#}
{% macro lead_written_this_run(model_name, lead_column='lead_id') -%}
    {%- set relation = ref(model_name) -%}
    {%- set written = written_this_run(model_name) -%}
    {%- if written == '1 = 1' -%}
        {{ return(written) }}
    {%- endif -%}
    {{ return(lead_column ~ ' in (select lead_id from ' ~ relation ~ ' where ' ~ written ~ ')') }}
{%- endmacro %}
