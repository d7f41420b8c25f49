{#- CRM adapters: the shared frame (docs/definitions.md#crm-adapters).

    With the `crm_source` var set to a CRM (salesforce, hubspot), the three raw tables are not
    read from the raw files or seeds but from that CRM's adapter: the staging models
    models/staging/crm/<crm>/, which read the connector's tables and produce
    `<crm>__leads`, `<crm>__activities` and `<crm>__stage_changes` with exactly the raw
    contract's columns (raw_columns), as text, plus `landing_file`: the source table a row
    came from (e.g. 'salesforce.task'), so a rejected row in dq_rejected_rows names the
    source table and its key (every id is the CRM's own key).

    An adapter lists its connector tables once, in a macro `<crm>_tables()`
    (macros/staging/crm_<crm>.sql) returning {table: {'columns': [...], 'optional': bool}}.
    Its models read a table with crm_table(crm, table): every listed column, as text. -#}

{#- The CRM the raw tables come from: files (the raw tables themselves), salesforce or hubspot. -#}
{% macro crm_source() -%}
    {%- set crm = var('crm_source', 'files') | string | trim | lower -%}
    {%- if crm not in crm_sources() -%}
        {{ exceptions.raise_compiler_error(
            "The crm_source var must be one of " ~ crm_sources() | join(', ') ~ ", got '"
            ~ var('crm_source') ~ "' (README: CRM adapters).") }}
    {%- endif -%}
    {{ return(crm) }}
{%- endmacro %}

{#- The values crm_source takes; an adapter for another CRM adds its name here. -#}
{% macro crm_sources() -%}
    {{ return(['files', 'salesforce', 'hubspot']) }}
{%- endmacro %}

{#- The connector tables of one CRM: {table: {'columns': [...], 'optional': bool}}, from the
    adapter's macro `<crm>_tables()` (macros/staging/crm_<crm>.sql). -#}
{% macro crm_tables(crm) -%}
    {%- if crm == 'salesforce' -%}
        {{ return(salesforce_tables()) }}
    {%- elif crm == 'hubspot' -%}
        {{ return(hubspot_tables()) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("No CRM adapter '" ~ crm ~ "'") }}
    {%- endif -%}
{%- endmacro %}

{#- The raw rows of one raw table built by the selected CRM's adapter (raw_source calls this
    when crm_source is not files): the contract columns as text, no malformed records (the
    connector's tables are typed tables, not files), landing_file naming the source table, and
    no typed timestamp (its text is parsed, as a file's). -#}
{% macro crm_raw_source(name, columns) -%}
    {%- set crm = crm_source() -%}
    {%- if var('raw_dir', none) or var('raw_schema', none) -%}
        {{ exceptions.raise_compiler_error(
            "crm_source '" ~ crm ~ "' builds the raw tables from the CRM's connector tables; "
            ~ "unset raw_dir and raw_schema (they name the raw tables themselves), and point "
            ~ "crm_schema (or crm_dir on DuckDB) at the connector's tables.") }}
    {%- endif -%}
    {#- the adapters build the required raw tables; an optional one (the qualification
        checklist) has no rows -#}
    {%- if name in raw_optional_tables() -%}
        {{ return(no_raw_rows(name, columns)) }}
    {%- endif %}
    select
    {%- for column in columns %}
        cast({{ column }} as {{ dbt.type_string() }}) as {{ column }},
    {%- endfor %}
        cast(null as {{ dbt.type_string() }}) as malformed_reason,
        cast(null as {{ dbt.type_string() }}) as malformed_record,
        cast(landing_file as {{ dbt.type_string() }}) as landing_file,
        {{ untyped_timestamp(name) }}
    from {{ ref(crm ~ '__' ~ name) }}
{%- endmacro %}


{#- A select of one connector table: every column the adapter lists for it, cast to text (so
    booleans, timestamps and numbers read the same on every engine and from every file
    format; the adapter's models parse them). A listed column the table lacks reads null.
    Where the table is:
      - crm_dir set (DuckDB only): the file <crm_dir>/<table>.csv, .csv.gz or .parquet;
      - otherwise: the dbt source `<crm>` (schema: crm_schema, else the CRM's name).
    A missing table marked optional reads as an empty table with its columns; a missing
    required table stops the run, naming it. -#}
{% macro crm_table(crm, table) -%}
    {%- set spec = crm_tables(crm)[table] -%}
    {%- set columns = spec['columns'] -%}
    {%- set crm_dir = var('crm_dir', none) -%}
    {%- if crm_dir and target.type != 'duckdb' -%}
        {{ exceptions.raise_compiler_error(
            "The crm_dir var reads files and is supported on DuckDB only. On " ~ target.type
            ~ ", load the connector's tables into the warehouse and set crm_schema instead.") }}
    {%- endif -%}
    {#- the source is always referenced, so a unit test's inputs (given for the source) stand
        for the table whether or not crm_dir is set -#}
    {%- set relation = source(crm, table) -%}
    {%- if crm_dir and not (execute and model.resource_type == 'unit_test') -%}
        {%- set from_clause, present = crm_file(crm_dir, table) -%}
    {%- else -%}
        {%- set from_clause, present = crm_relation(relation, columns) -%}
    {%- endif -%}
    {%- if from_clause is none and not spec.get('optional', false) -%}
        {{ exceptions.raise_compiler_error(
            "The " ~ crm ~ " table '" ~ table ~ "' was not found ("
            ~ (("crm_dir " ~ crm_dir ~ ": expected " ~ table ~ ".csv, " ~ table ~ ".csv.gz or " ~ table ~ ".parquet")
               if crm_dir else ("schema " ~ (var('crm_schema', none) or crm))) ~ "). It is required by the "
            ~ crm ~ " adapter (README: CRM adapters).") }}
    {%- endif -%}
    {%- if from_clause is none -%}
        {#- an optional table that is absent: no rows -#}
        {{ return(no_rows(columns)) }}
    {%- endif %}
    select
    {%- for column in columns %}
        {% if column in present -%}
        cast({{ adapter.quote(present[column]) }} as {{ dbt.type_string() }})
        {%- else -%}
        cast(null as {{ dbt.type_string() }})
        {%- endif %} as {{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
    from {{ from_clause }}
{%- endmacro %}

{#- A warehouse table's from-clause and its columns {lower name: name}; (none, {}) when the
    table does not exist. At parse time no column is looked up; in a unit test every listed
    column is taken as present (its input stands for the table). -#}
{% macro crm_relation(relation, columns) -%}
    {%- if not execute -%}
        {{ return((relation, {})) }}
    {%- endif -%}
    {%- if model.resource_type == 'unit_test' -%}
        {#- a unit test's input (given as SQL with every listed column) stands for the table -#}
        {%- set present = {} -%}
        {%- for name in columns -%}
            {%- do present.update({name: name}) -%}
        {%- endfor -%}
        {{ return((relation, present)) }}
    {%- endif -%}
    {%- set found = adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier) -%}
    {%- if found is none -%}
        {{ return((none, {})) }}
    {%- endif -%}
    {%- set present = {} -%}
    {%- for column in adapter.get_columns_in_relation(found) -%}
        {%- do present.update({column.name | lower: column.name}) -%}
    {%- endfor -%}
    {{ return((relation, present)) }}
{%- endmacro %}

{#- A connector table exported as a file in crm_dir (DuckDB): the from-clause reading it and
    its columns {lower name: name}; (none, {}) when there is no such file. CSV is read with
    every column as text (no type guessing: the adapter parses values itself). -#}
{% macro crm_file(crm_dir, table) -%}
    {%- if not execute -%}
        {{ return(("(select 1) as parsing", {})) }}
    {%- endif -%}
    {%- set base = crm_dir | string -%}
    {%- set base = base[:-1] if base.endswith('/') else base -%}
    {%- set ns = namespace(reader=none) -%}
    {%- for extension in ['.parquet', '.csv', '.csv.gz'] -%}
        {%- set path = raw_path_literal(base ~ '/' ~ table ~ extension) -%}
        {%- if ns.reader is none and run_query("select count(*) from glob(" ~ path ~ ")").rows[0][0] > 0 -%}
            {%- if extension == '.parquet' -%}
                {%- set ns.reader = "read_parquet(" ~ path ~ ")" -%}
            {%- else -%}
                {%- set ns.reader = "read_csv(" ~ path ~ ", header = true, all_varchar = true)" -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if ns.reader is none -%}
        {{ return((none, {})) }}
    {%- endif -%}
    {%- set present = {} -%}
    {%- for column_name in run_query("describe select * from " ~ ns.reader).columns[0].values() -%}
        {%- do present.update({column_name | lower: column_name}) -%}
    {%- endfor -%}
    {{ return((ns.reader ~ " as " ~ table ~ "_file", present)) }}
{%- endmacro %}

{#- A connector's boolean (true/false, t/f, 1/0, yes/no in any case, as text) as a boolean;
    null reads false (Fivetran leaves is_deleted null on rows never deleted). -#}
{% macro crm_is_true(expr) -%}
    coalesce(lower(trim({{ expr }})) in ('true', 't', '1', 'yes', 'y'), false)
{%- endmacro %}

{#- A CRM value compared as an activity kind: trimmed, lower case, '' for none. -#}
{% macro crm_kind_key(expr) -%}
    coalesce(lower(trim({{ expr }})), '')
{%- endmacro %}

{#- The activity type of each kind of one source, from the seed crm_activity_types
    (seeds/config/crm_activity_types.yml says how a row matches). kinds_cte holds the distinct
    kinds, one column per kind column (crm_kind_key of the CRM's value) named in key_columns;
    rules_cte is the model's import CTE of the seed. Gives one row per row of kinds_cte that a
    row of the seed matches: the key columns and activity_type (the lowest priority's; the
    source's `else` row only when no other row matches). A kind no row matches is absent: the
    adapter passes on no activity for it. -#}
{% macro crm_activity_types_of(crm, source_table, kinds_cte, key_columns, rules_cte='activity_type_rules') -%}
    {%- set kind = 'lower(trim(' ~ rules_cte ~ '.source_kind))' -%}
    {%- set operator = 'lower(trim(' ~ rules_cte ~ '.operator))' %}
    select
        {%- for key in key_columns %}
        {{ key }},
        {%- endfor %}
        activity_type
    from (
        select
            {%- for key in key_columns %}
            {{ kinds_cte }}.{{ key }},
            {%- endfor %}
            {{ rules_cte }}.activity_type,
            row_number() over (
                partition by
                    {%- for key in key_columns %}
                    {{ kinds_cte }}.{{ key }}{{ ',' if not loop.last }}
                    {%- endfor %}
                order by
                    case when {{ operator }} = 'else' then 1 else 0 end,
                    {{ rules_cte }}.priority,
                    {{ dbt.length(kind) }} desc,
                    {{ kind }}
            ) as rule_rank
        from {{ kinds_cte }}
        inner join {{ rules_cte }}
            on lower(trim({{ rules_cte }}.crm)) = '{{ crm }}'
            and lower(trim({{ rules_cte }}.source_table)) = '{{ source_table }}'
            and (
                {{ operator }} = 'else'
                {%- for key in key_columns %}
                or ({{ operator }} = 'equals' and {{ kinds_cte }}.{{ key }} = {{ kind }})
                or ({{ operator }} = 'contains' and {{ dbt.position(kind, kinds_cte ~ '.' ~ key) }} > 0)
                {%- endfor %}
            )
    ) as matched
    where rule_rank = 1
{%- endmacro %}
