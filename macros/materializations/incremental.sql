{#- Lead-partitioned incremental models (README: Incremental runs and scale).

    The volume models (activities and stage history) are rebuilt per lead: a lead's rows
    depend only on the lead's own inputs (its lead row, its valid activities or stage changes)
    and on configuration, never on another lead. int_lead_input_fingerprints holds, per lead,
    a fingerprint of those inputs, computed from staging on every run; every row of an
    incremental model carries the fingerprint of the inputs it was built from
    (lead_input_fingerprint). An incremental run then
      1. deletes the rows of every lead whose stored fingerprint is no longer current (new,
         late, re-delivered or re-triaged rows, a lead that arrived after its activities, a
         configuration change), before the model runs (pre-hook, same transaction);
      2. builds only the leads that have a current fingerprint but no rows in the model
         (an anti-join on lead_id against the existing table), from all of their inputs,
         and appends them.
    So after any sequence of landings the table holds exactly what a full refresh builds.
    Leads whose inputs did not change are untouched.

    A model with one row per activity (or per activity and rule) may also extend a lead
    instead of rebuilding it (lead_partitioned_config(..., extends_leads=true)): when this run
    only added activities to the lead, every one later than all of the lead's stored rows,
    the stored rows are what a full build makes of them, so they are kept
    (keep_extended_leads) and the model computes only the added activities' rows from the
    lead's stored state (extended_lead_activities). A daily landing mostly adds the day's
    activities to leads with long histories: extending them computes and writes the day's
    rows, not the leads' whole histories again. -#}

{#- The materialization of a lead-partitioned model: incremental where the engine can delete
    rows (DuckDB, Postgres), a plain table where it cannot (Spark without Delta: a full
    rebuild every run, always correct). -#}
{% macro lead_incremental_materialization() -%}
    {{ return(adapter.dispatch('lead_incremental_materialization', 'lead_funnel')()) }}
{%- endmacro %}

{% macro default__lead_incremental_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro spark__lead_incremental_materialization() -%}
    {{ return('table') }}
{%- endmacro %}

{#- The materialization of a contract fact that only reshapes a lead-partitioned store
    (fct_lead_activities, fct_lead_stage_history): a view, so each row is stored once; a
    table on Spark, whose relations are read as the parquet files under the warehouse dir
    (by the engine comparison, and by lakehouse readers; a view has none) and whose stores
    are rebuilt every run anyway. -#}
{% macro store_view_materialization() -%}
    {{ return(adapter.dispatch('store_view_materialization', 'lead_funnel')()) }}
{%- endmacro %}

{% macro default__store_view_materialization() -%}
    {{ return('view') }}
{%- endmacro %}

{% macro spark__store_view_materialization() -%}
    {{ return('table') }}
{%- endmacro %}

{#- The config of a lead-partitioned model, called at the top of the model instead of
    config(): its materialization (lead_incremental_materialization), rows appended per lead
    (leads_to_build), new columns added to the stored table, the pre-hook that deletes the
    rows of leads whose `fingerprint_column` (int_lead_input_fingerprints) changed and, with
    `extends_leads`, the pre-hook before it that keeps the leads the run only added later
    activities to (keep_extended_leads); `more_pre_hooks` run after the delete (a lead they
    leave without rows is built again, like a changed one). With `lead_index`, the store keeps
    a lead index (lead_index_relation), and the hooks around them keep it in step with its
    rows; without, they do nothing (but drop an index an earlier version left). The ref
    registers the dependency on the fingerprints at parse time (the pre-hooks read them). -#}
{% macro lead_partitioned_config(fingerprint_column, extends_leads=false, more_pre_hooks=[], lead_index=false) -%}
    {%- do ref('int_lead_input_fingerprints') -%}
    {%- set pre_hooks = ["{{ drop_lead_index('pre') }}", "{{ create_lead_index() }}"] -%}
    {%- if extends_leads -%}
        {#- keep_extended_leads reads int_activities_lead_checked, as these models do -#}
        {%- do pre_hooks.append("{{ keep_extended_leads('" ~ fingerprint_column ~ "') }}") -%}
    {%- endif -%}
    {%- do pre_hooks.append("{{ delete_changed_leads('" ~ fingerprint_column ~ "') }}") -%}
    {%- do pre_hooks.append("{{ forget_changed_leads('" ~ fingerprint_column ~ "') }}") -%}
    {%- if more_pre_hooks -%}
        {%- do pre_hooks.extend(more_pre_hooks) -%}
        {%- do pre_hooks.append("{{ forget_leads_without_rows() }}") -%}
    {%- endif -%}
    {%- do config(
        materialized=lead_incremental_materialization(),
        incremental_strategy='append',
        on_schema_change='append_new_columns',
        pre_hook=pre_hooks,
        post_hook=["{{ drop_lead_index('post') }}", "{{ index_written_leads() }}"],
        meta={'lead_index': lead_index},
    ) -%}
{%- endmacro %}

{#- The version of the logic that builds the rows of the lead-partitioned models whose rows
    carry `fingerprint_column` (the models calling lead_partitioned_config with it), mixed
    into that fingerprint (int_lead_input_fingerprints): a change to that logic then
    re-fingerprints every lead, so an incremental run rebuilds every lead (as a full refresh
    would) instead of keeping rows built by the old logic. Derived, never bumped by hand: an
    MD5 over
      - the checksum (file contents) of those models and of every model, snapshot and seed
        they are built from (graph.nodes, following depends_on.nodes), except the raw_*
        seeds, which are data (fingerprinted per lead by content);
      - the source of every project macro those nodes call, directly or through other
        project macros (depends_on.macros, the macros' own depends_on.macros, and the
        adapter's and default implementations of a dispatched macro).
    Not covered: dbt's own macros (materializations, cross-database macros), which change
    with the dbt version; after a dbt upgrade run --full-refresh. Vars are mixed into the
    fingerprints where they are used. At parse time (no graph yet): a constant. -#}
{% macro lead_logic_version(fingerprint_column) -%}
    {%- if not execute -%}
        {{ return('parse') }}
    {%- endif -%}
    {%- set pattern = "lead_partitioned_config[(]\\s*['\"]" ~ fingerprint_column ~ "['\"]" -%}
    {%- set pending = [] -%}
    {%- for unique_id, node in graph.nodes.items() -%}
        {%- if node.resource_type == 'model' and node.package_name == project_name
                and modules.re.search(pattern, node.raw_code) -%}
            {%- do pending.append(unique_id) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not pending -%}
        {{ exceptions.raise_compiler_error(
            "lead_logic_version: no model calls lead_partitioned_config('" ~ fingerprint_column ~ "')") }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for unique_id in pending -%}
        {%- do names.append(graph.nodes[unique_id].name) -%}
    {%- endfor -%}
    {{ return(nodes_logic_version(names)) }}
{%- endmacro %}

{#- The version of the code the given models are built from (lead_logic_version and the
    incremental account models use it): an MD5 over the checksums of those models and every
    node upstream of them (except the raw_* seeds: data, fingerprinted per lead by content;
    configuration seeds are included, so a changed seed rebuilds every row) and the source of
    every project macro they call. Vars are mixed into the fingerprints where they are used.
    data_only_names: upstream models read for their values only, which the models built
    from them handle themselves; neither their code nor what they are built from counts.
    At parse time, and in a unit test (no graph): a constant. -#}
{% macro nodes_logic_version(model_names, data_only_names=[]) -%}
    {%- if not execute or graph.nodes is not defined -%}
        {{ return('parse') }}
    {%- endif -%}
    {%- set pending = [] -%}
    {%- for name in model_names -%}
        {%- do pending.append('model.' ~ project_name ~ '.' ~ name) -%}
    {%- endfor -%}
    {%- set nodes = [] -%}
    {%- set macro_names = [] -%}
    {%- for unique_id in pending -%}
        {%- set node = graph.nodes.get(unique_id) -%}
        {%- if node is not none and unique_id not in nodes
                and not (node.resource_type == 'seed' and node.name.startswith('raw_'))
                and node.name not in data_only_names -%}
            {%- do nodes.append(unique_id) -%}
            {%- do pending.extend(node.depends_on.nodes) -%}
            {%- for macro_id in node.depends_on.macros -%}
                {%- if macro_id.startswith('macro.' ~ project_name ~ '.') -%}
                    {%- do macro_names.append(macro_id.split('.')[-1]) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set macros = [] -%}
    {%- for name in macro_names -%}
        {%- if name not in macros -%}
            {%- do macros.append(name) -%}
            {%- for candidate in [adapter.type() ~ '__' ~ name, 'default__' ~ name] -%}
                {%- if context.get(candidate) is not none -%}
                    {%- do macro_names.append(candidate) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- set generator = context.get(name) -%}
            {%- if generator is not none and generator.macro is defined -%}
                {%- for macro_id in generator.macro.depends_on.macros -%}
                    {%- if macro_id.startswith('macro.' ~ project_name ~ '.') -%}
                        {%- do macro_names.append(macro_id.split('.')[-1]) -%}
                    {%- endif -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set parts = [] -%}
    {%- for unique_id in nodes | sort -%}
        {%- do parts.append(unique_id ~ '=' ~ graph.nodes[unique_id].checksum.checksum) -%}
    {%- endfor -%}
    {%- for name in macros | sort -%}
        {%- set generator = context.get(name) -%}
        {%- do parts.append('macro.' ~ name ~ '=' ~ (
            local_md5(generator.macro.macro_sql) if generator is not none and generator.macro is defined
            else 'unknown')) -%}
    {%- endfor -%}
    {{ return(local_md5(parts | join('\n'))) }}
{%- endmacro %}

{#- Whether the stored table has these columns: a table built by an older version of the
    model (a full rebuild, not incremental, or a store without this bookkeeping) lacks them,
    and is then emptied and built again (on_schema_change adds the columns). -#}
{% macro stored_columns_present(column_names) -%}
    {%- set stored = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- for name in column_names -%}
        {%- if name not in stored -%}
            {{ return(false) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(true) }}
{%- endmacro %}

{#- The lead index of a lead-partitioned store: its distinct (lead_id,
    lead_input_fingerprint) pairs, one per lead (a lead's rows are written together, with one
    fingerprint), in a table beside the store (`<model>__lead_index`, in the store's schema,
    which the publish does not copy). The store's hooks keep it in step with the rows, in the
    same transaction:
      - create_lead_index: made from the rows when it is missing (the first incremental run
        after an upgrade), empty when the stored table is emptied;
      - keep_extended_leads, forget_changed_leads, forget_leads_without_rows: the pre-hooks'
        changes to the rows;
      - index_written_leads: the leads this run wrote; on a full build, made from the rows.
    So the pre-hook's delete and leads_to_build compare one row per lead with the current
    fingerprints, instead of reading every stored row (at 1M leads, 20M rows, twice per model
    and run). Kept by the stores with a row per activity or more
    (lead_partitioned_config(..., lead_index=true)): for a store with a few rows per lead the
    index would be about as large as the store, and its upkeep (four more statements per run)
    costs more than it saves. Only where the store is incremental (not on Spark). -#}
{% macro lead_index_relation() -%}
    {{ return(api.Relation.create(
        database=this.database, schema=this.schema,
        identifier=this.identifier ~ '__lead_index', type='table')) }}
{%- endmacro %}

{#- Whether this model keeps a lead index (lead_partitioned_config's lead_index). -#}
{% macro has_lead_index() -%}
    {{ return(lead_incremental_materialization() == 'incremental'
        and (config.get('meta') or {}).get('lead_index', false)) }}
{%- endmacro %}

{#- The stored leads as the model's query reads them (leads_to_build): the lead index where
    the model keeps one; else, and in a unit test (whose `this` is a fixture, and which runs
    no hooks), the stored rows. -#}
{% macro stored_lead_index() -%}
    {%- if has_lead_index() and model.resource_type != 'unit_test' -%}
    {{ lead_index_relation() }}
    {%- else -%}
    {{ this }}
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook: the lead index, made from the stored rows when there is none (a store built
    before the index existed); an empty one when the stored table is emptied
    (delete_changed_leads: it lacks the bookkeeping columns). -#}
{% macro create_lead_index() -%}
    {%- if not has_lead_index() -%}
    {#- no index -#}
    {%- elif is_incremental() and not stored_columns_present(['lead_input_fingerprint']) -%}
    create table {{ lead_index_relation() }} as
    select lead_id, cast(null as {{ lead_fingerprint_type() }}) as lead_input_fingerprint
    from {{ this }}
    where 1 = 0
    {%- elif is_incremental() -%}
    {{ lead_index_from_rows(if_missing=true) }}
    {%- endif -%}
{%- endmacro %}

{#- The lead index made from the stored rows' distinct pairs (create_lead_index,
    index_written_leads); with `if_missing`, only when there is none. -#}
{% macro lead_index_from_rows(if_missing=false) -%}
    create table {{ 'if not exists ' if if_missing }}{{ lead_index_relation() }} as
    select distinct lead_id, lead_input_fingerprint
    from {{ this }}
{%- endmacro %}

{#- The type of a lead_input_fingerprint (a 64-bit hash sum: unsigned on DuckDB). -#}
{% macro lead_fingerprint_type() -%}
    {{ return(adapter.dispatch('lead_fingerprint_type', 'lead_funnel')()) }}
{%- endmacro %}

{% macro default__lead_fingerprint_type() -%}
    {{ return(dbt.type_bigint()) }}
{%- endmacro %}

{% macro duckdb__lead_fingerprint_type() -%}
    {{ return('ubigint') }}
{%- endmacro %}

{#- The condition that the (lead_id, lead_input_fingerprint) of the row `alias` is no longer
    current: the lead's `fingerprint_column` changed, or it has no inputs any more. -#}
{% macro lead_pair_not_current(alias, fingerprint_column) -%}
    not exists (
        select 1
        from {{ ref('int_lead_input_fingerprints') }} as current_inputs
        where current_inputs.lead_id = {{ alias }}.lead_id
            and current_inputs.{{ fingerprint_column }} = {{ alias }}.lead_input_fingerprint
    )
{%- endmacro %}

{#- Pre-hook: delete the rows of leads whose inputs changed since they were built (their
    fingerprint is no longer the current one, or the lead has no inputs any more). With a lead
    index: the rows whose (lead_id, lead_input_fingerprint) is one of its pairs that are no
    longer current, so the stored rows are only probed against those few pairs (none on a run
    with nothing new).
    Without: a row goes when its own pair is not current, in one pass over the table. A table
    an older version built as a plain table (no lead_input_fingerprint) is emptied: every lead
    is built again. -#}
{% macro delete_changed_leads(fingerprint_column) -%}
    {%- if is_incremental() and not stored_columns_present(['lead_input_fingerprint']) -%}
    delete from {{ this }}
    {%- elif is_incremental() and has_lead_index() -%}
    delete from {{ this }} as stored
    where exists (
        select 1
        from {{ lead_index_relation() }} as indexed
        where indexed.lead_id = stored.lead_id
            and indexed.lead_input_fingerprint = stored.lead_input_fingerprint
            and {{ lead_pair_not_current('indexed', fingerprint_column) }}
    )
    {%- elif is_incremental() -%}
    delete from {{ this }} as stored
    where {{ lead_pair_not_current('stored', fingerprint_column) }}
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook, after delete_changed_leads: the lead index forgets the pairs whose rows it
    deleted. -#}
{% macro forget_changed_leads(fingerprint_column) -%}
    {%- if is_incremental() and has_lead_index() -%}
    delete from {{ lead_index_relation() }} as indexed
    where {{ lead_pair_not_current('indexed', fingerprint_column) }}
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook, after a model's own pre-hooks (lead_partitioned_config's more_pre_hooks): the
    lead index forgets the leads those left without rows, so they are built again. -#}
{% macro forget_leads_without_rows() -%}
    {%- if is_incremental() and has_lead_index() -%}
    delete from {{ lead_index_relation() }} as indexed
    where not exists (select 1 from {{ this }} as stored where stored.lead_id = indexed.lead_id)
    {%- endif -%}
{%- endmacro %}

{#- Post-hook: the lead index takes the leads this run wrote (built in full; an extended
    lead's pair is there already). On a full build it is made again from the rows. -#}
{% macro index_written_leads() -%}
    {%- if not has_lead_index() -%}
    {#- no index (or a plain table, on Spark) -#}
    {%- elif is_incremental() -%}
    insert into {{ lead_index_relation() }} (lead_id, lead_input_fingerprint)
    select distinct written.lead_id, written.lead_input_fingerprint
    from {{ this }} as written
    where written.written_by_run_id = {{ written_by_run_id() }}
        and not exists (
            select 1
            from {{ lead_index_relation() }} as indexed
            where indexed.lead_id = written.lead_id
                and indexed.lead_input_fingerprint = written.lead_input_fingerprint
        )
    {%- else -%}
    {{ lead_index_from_rows() }}
    {%- endif -%}
{%- endmacro %}

{#- Hook: drop the lead index before it is made again: before create_lead_index when the
    stored table is emptied (pre-hook), before index_written_leads on a full build
    (post-hook: the schema exists by then). A model that keeps none drops one an earlier
    version left (it would be stale if the model kept one again). -#}
{% macro drop_lead_index(when) -%}
    {%- set emptied = when == 'pre' and is_incremental()
        and (not has_lead_index() or not stored_columns_present(['lead_input_fingerprint'])) -%}
    {%- set rebuilt = when == 'post' and not is_incremental()
        and lead_incremental_materialization() == 'incremental' -%}
    {%- if emptied or rebuilt -%}
    drop table if exists {{ lead_index_relation() }}
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook of a model that extends leads (lead_partitioned_config(..., extends_leads=true)),
    before delete_changed_leads: the leads whose stored rows stay, marked with their current
    fingerprint so the delete keeps them. A lead is extended when this run only added
    activities to it, all of them later than every row stored for it:
      - its stored rows were built with one fingerprint;
      - that fingerprint plus the fingerprints of the lead's valid activities this run wrote
        (fingerprint_add) is its current fingerprint: nothing else about the lead changed (its
        lead row, an activity of the stored ones, the configuration, the lengths of its events)
        and none of the activities this run wrote was stored already;
      - the earliest of those activities is later than the latest stored row (strictly: a tie
        rebuilds the lead).
    The fingerprint is additive for this (int_lead_input_fingerprints). The model then builds
    the added activities' rows (extended_lead_activities). The lead index, if any, takes the
    new fingerprints too. Statements in one hook: only DuckDB runs it (extends_leads_this_run). -#}
{% macro keep_extended_leads(fingerprint_column) -%}
    {%- if extends_leads_this_run() -%}
    {%- set extended_leads = this.identifier ~ '__extended_leads' -%}
    create or replace temporary table {{ extended_leads }} as
        with

        written_activities as (
            select
                activities.lead_id,
                min(activities.occurred_at) as first_written_at,
                {{ fingerprint_sum(activity_fingerprint_hash('activities')) }} as written_fingerprint
            from {{ ref('int_activities_lead_checked') }} as activities
            where activities.written_by_run_id = {{ written_by_run_id() }}
            group by activities.lead_id
        ),

        stored_leads as (
            select
                lead_id,
                min(lead_input_fingerprint) as lead_input_fingerprint,
                max(lead_input_fingerprint) as last_lead_input_fingerprint,
                max(occurred_at) as last_stored_at
            from {{ this }}
            where lead_id in (select lead_id from written_activities)
            group by lead_id
        )

        select
            stored_leads.lead_id,
            current_inputs.{{ fingerprint_column }} as lead_input_fingerprint
        from stored_leads
        inner join written_activities
            on stored_leads.lead_id = written_activities.lead_id
        inner join {{ ref('int_lead_input_fingerprints') }} as current_inputs
            on stored_leads.lead_id = current_inputs.lead_id
        where stored_leads.lead_input_fingerprint = stored_leads.last_lead_input_fingerprint
            and written_activities.first_written_at > stored_leads.last_stored_at
            and {{ fingerprint_add('stored_leads.lead_input_fingerprint', 'written_activities.written_fingerprint') }}
                = current_inputs.{{ fingerprint_column }};

    update {{ this }} as stored
    set lead_input_fingerprint = extended.lead_input_fingerprint
    from {{ extended_leads }} as extended
    where stored.lead_id = extended.lead_id;

    {%- if has_lead_index() %}

    update {{ lead_index_relation() }} as indexed
    set lead_input_fingerprint = extended.lead_input_fingerprint
    from {{ extended_leads }} as extended
    where indexed.lead_id = extended.lead_id;
    {%- endif %}

    drop table {{ extended_leads }}
    {%- endif -%}
{%- endmacro %}

{#- True when a model that extends leads may do so in this run: an incremental run with
    staging built landing by landing (landings_enabled), where the activities a run wrote are
    the new landings' rows. Without landings staging is rebuilt, every activity is written by
    every run, and no lead could be extended. -#}
{% macro extends_leads_this_run() -%}
    {{ return(is_incremental() and landings_enabled()) }}
{%- endmacro %}

{#- The activities a model that extends leads computes for the leads keep_extended_leads kept,
    with their current fingerprint: the lead's activities of `lead_activities` (a CTE of
    int_activities_lead_checked) this run wrote that are later than the latest of its rows in
    `stored_leads` (a CTE of the stored rows of those leads: lead_id, last_stored_at). An
    activity this run wrote again with the same content (a re-delivery) is stored already, so
    it is not later. The leads without stored rows are built in full (leads_to_build). -#}
{% macro extended_lead_activities(lead_activities, stored_leads, fingerprint_column) -%}
    select
        {{ lead_activities }}.*,
        current_inputs.{{ fingerprint_column }} as lead_input_fingerprint
    from {{ lead_activities }}
    inner join {{ stored_leads }}
        on {{ lead_activities }}.lead_id = {{ stored_leads }}.lead_id
            and {{ lead_activities }}.occurred_at > {{ stored_leads }}.last_stored_at
    inner join {{ ref('int_lead_input_fingerprints') }} as current_inputs
        on {{ lead_activities }}.lead_id = current_inputs.lead_id
    where {{ lead_activities }}.written_by_run_id = {{ written_by_run_id() }}
{%- endmacro %}

{#- The leads a lead-partitioned model builds in this run, with their current fingerprint:
    every lead with inputs on a full build; on an incremental run only those without rows in
    the model (new leads, and the leads the pre-hook deleted), as its lead index tells
    (stored_lead_index). -#}
{% macro leads_to_build(fingerprint_column) -%}
    select
        current_inputs.lead_id,
        current_inputs.{{ fingerprint_column }} as lead_input_fingerprint
    from {{ ref('int_lead_input_fingerprints') }} as current_inputs
    {%- if is_incremental() %}
    left join (select distinct lead_id from {{ stored_lead_index() }}) as built
        on current_inputs.lead_id = built.lead_id
    where current_inputs.{{ fingerprint_column }} is not null
        and built.lead_id is null
    {#- a left join, not `not exists`: Spark's local session failed to deserialize the
        correlated anti-join's plan over a unit test's `this` fixture -#}
    {%- else %}
    where current_inputs.{{ fingerprint_column }} is not null
    {%- endif %}
{%- endmacro %}

{#- How a lead-partitioned model joins its inputs to leads_to_build: an inner join keeps only
    the leads to build on an incremental run; a full build keeps every input row (a left join,
    so a unit test may give no fingerprints). -#}
{% macro leads_to_build_join() -%}
    {{ 'inner' if is_incremental() else 'left' }} join
{%- endmacro %}

{#- The rows of `relation` (a CTE with a lead_id) that belong to the leads a lead-partitioned
    model builds in this run: joined to the model's `leads_to_build` CTE with
    leads_to_build_join(); with `with_fingerprint`, each row also carries its lead's
    lead_input_fingerprint. -#}
{% macro rows_of_leads_to_build(relation, with_fingerprint=false) -%}
    {%- if not is_incremental() and not with_fingerprint -%}
    {#- a full build takes every row, and the left join would add nothing but its cost -#}
    select * from {{ relation }}
    {%- else -%}
    select
        {{ relation }}.*
        {%- if with_fingerprint %},
        leads_to_build.lead_input_fingerprint
        {%- endif %}
    from {{ relation }}
    {{ leads_to_build_join() }} leads_to_build
        on {{ relation }}.lead_id = leads_to_build.lead_id
    {%- endif -%}
{%- endmacro %}

{#- A CTE `name` (on an incremental run, with two before it): the rows of `relation` (a CTE
    of a lead-partitioned store that writes all of a lead's rows together, such as
    int_lead_score_moments) that belong to the leads the model builds in this run (its
    `leads_to_build` CTE), for a model whose fingerprint is that store's. A full build takes
    every row. An incremental run builds the leads whose rows the store wrote in this run
    (their fingerprint changed for both), so it reads the rows this run wrote
    (written_by_run_id: DuckDB finds them by the row groups' statistics, not by a pass over
    the store), and the store's other rows only for a lead to build the store did not write
    in this run (the model's own pre-hooks deleted it, or the store was built by an earlier
    run): when there is none, the join has nothing to look up and the store is not read. -#}
{% macro written_rows_of_leads_to_build_ctes(name, relation) -%}
    {%- if is_incremental() -%}
{{ name }}_written as {{ inline_cte() }} (
    select * from {{ relation }} where written_by_run_id = {{ written_by_run_id() }}
),

{{ name }}_older_leads as (
    select leads_to_build.lead_id
    from leads_to_build
    where not exists (
        select 1
        from {{ name }}_written
        where {{ name }}_written.lead_id = leads_to_build.lead_id
    )
),

{{ name }} as {{ inline_cte() }} (
    select {{ name }}_written.*
    from {{ name }}_written
    inner join leads_to_build
        on {{ name }}_written.lead_id = leads_to_build.lead_id
    union all
    select {{ relation }}.*
    from {{ relation }}
    inner join {{ name }}_older_leads
        on {{ relation }}.lead_id = {{ name }}_older_leads.lead_id
)
    {%- else -%}
{{ name }} as {{ inline_cte() }} (select * from {{ relation }})
    {%- endif -%}
{%- endmacro %}

{#- A 64-bit hash of some expressions (null-safe, order-sensitive), for fingerprints. -#}
{% macro row_hash(expressions) -%}
    {{ return(adapter.dispatch('row_hash', 'lead_funnel')(expressions)) }}
{%- endmacro %}

{% macro default__row_hash(expressions) -%}
    {%- set parts = [] -%}
    {%- for expression in expressions -%}
        {%- do parts.append("coalesce(cast(" ~ expression ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    cast(cast(('x' || substr(md5({{ dbt.concat(parts) }}), 1, 15)) as bit(60)) as bigint)
{%- endmacro %}

{% macro duckdb__row_hash(expressions) -%}
    hash({{ expressions | join(', ') }})
{%- endmacro %}

{% macro spark__row_hash(expressions) -%}
    xxhash64({{ expressions | join(', ') }})
{%- endmacro %}

{#- The hash of one activity's content in its lead's activities fingerprint
    (int_lead_data_fingerprints), `relation` having the columns of stg_activities. -#}
{% macro activity_fingerprint_hash(relation) -%}
    {{ row_hash([relation ~ '.activity_id', relation ~ '.owner_id', relation ~ '.activity_type',
                 relation ~ '.campaign', relation ~ '.detail', relation ~ '.duration_seconds',
                 relation ~ '.occurred_at']) }}
{%- endmacro %}

{#- A fingerprint plus a fingerprint_sum, modulo the fingerprint's range (it stays a 64-bit
    hash on DuckDB, 60-bit elsewhere): additive, so a set's fingerprint plus the fingerprint
    of the rows added to it is the fingerprint of the larger set (keep_extended_leads). -#}
{% macro fingerprint_add(fingerprint, increment) -%}
    {{ return(adapter.dispatch('fingerprint_add', 'lead_funnel')(fingerprint, increment)) }}
{%- endmacro %}

{% macro default__fingerprint_add(fingerprint, increment) -%}
    cast(((cast({{ fingerprint }} as decimal(38, 0)) + {{ increment }}) % 1152921504606846976
        + 1152921504606846976) % 1152921504606846976 as bigint)
{%- endmacro %}

{% macro duckdb__fingerprint_add(fingerprint, increment) -%}
    cast((cast({{ fingerprint }} as hugeint) + {{ increment }}) % cast('18446744073709551616' as hugeint) as ubigint)
{%- endmacro %}

{#- An order-independent aggregate of row hashes (a set's fingerprint); null for no rows. -#}
{% macro fingerprint_sum(hash_expression) -%}
    {{ return(adapter.dispatch('fingerprint_sum', 'lead_funnel')(hash_expression)) }}
{%- endmacro %}

{% macro default__fingerprint_sum(hash_expression) -%}
    sum(cast({{ hash_expression }} as decimal(38, 0)))
{%- endmacro %}

{% macro duckdb__fingerprint_sum(hash_expression) -%}
    sum({{ hash_expression }})
{%- endmacro %}

{#- Pre-hooks of int_lead_current_moments (lead_partitioned_config's more_pre_hooks), after the
    delete of the leads whose moments changed. As as_of moves on, a lead's stored moments still
    hold its latest moment at or before as_of: the rows before that one are no longer current
    (delete_moments_before_as_of_state). When as_of went back before all of a lead's stored
    moments, the lead is built again from int_lead_score_moments
    (delete_current_moments_after_as_of). The table then holds what a full build makes. -#}
{% macro delete_current_moments_after_as_of() -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where lead_id in (
        select lead_id
        from {{ this }}
        group by lead_id
        having min(moment_at) > (select as_of_at from {{ ref('run_as_of') }})
    )
    {%- endif -%}
{%- endmacro %}

{% macro delete_moments_before_as_of_state() -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where lead_moment_id in (
        select stored.lead_moment_id
        from {{ this }} as stored
        inner join (
            select
                lead_id,
                max(moment_at) as latest_moment_at
            from {{ this }}
            where moment_at <= (select as_of_at from {{ ref('run_as_of') }})
            group by lead_id
        ) as latest_moments
            on stored.lead_id = latest_moments.lead_id
                and stored.moment_at < latest_moments.latest_moment_at
    )
    {%- endif -%}
{%- endmacro %}
