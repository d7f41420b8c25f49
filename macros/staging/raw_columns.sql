{#- The columns of each raw table, in contract order (docs/definitions.md#raw-data-contract).
    This YAML block is their one home: the readers, the staging models and the data-quality
    models call raw_columns(); the Python package reads the same block
    (lead_funnel.common.raw_columns). -#}
{% macro raw_columns(name) -%}
    {%- set raw_contract_yaml -%}
leads: [lead_id, created_at, email, first_name, last_name, job_title, phone, company_name,
        company_size, industry, country, lead_source, acquisition_offer, owner_id]
activities: [activity_id, lead_id, activity_type, occurred_at, owner_id, campaign, detail,
             duration_seconds]
stage_changes: [change_id, lead_id, stage, changed_at, owner_id, reason, amount]
qualifications: [qualification_id, lead_id, criterion, value, recorded_at, owner_id]
    {%- endset -%}
    {%- set columns = fromyaml(raw_contract_yaml) -%}
    {%- if name not in columns -%}
        {{ exceptions.raise_compiler_error("Unknown raw table '" ~ name ~ "'") }}
    {%- endif -%}
    {{ return(columns[name]) }}
{%- endmacro %}

{#- The contract timestamp of each raw table: the instant a row happened, which staging
    parses and judges (missing_timestamp, unparseable_timestamp, future_timestamp). -#}
{% macro raw_contract_timestamp(name) -%}
    {{ return({
        'leads': 'created_at',
        'activities': 'occurred_at',
        'stage_changes': 'changed_at',
        'qualifications': 'recorded_at',
    }[name]) }}
{%- endmacro %}

{#- The column raw_source adds beside a contract timestamp: its value as a typed Parquet file
    holds it, as a UTC timestamp (raw_typed_timestamp); null for text (CSV, text Parquet) and
    outside raw_dir files. -#}
{% macro raw_typed_column(column) -%}
    {{ return(column ~ '_typed') }}
{%- endmacro %}

{#- A raw table's contract timestamp as a UTC timestamp (null when missing or unparseable):
    the typed value a Parquet file holds where there is one, else its text parsed
    (parse_timestamp_utc). Both give the same instant for the same value; the typed one
    costs no parsing. A CASE, not coalesce(): DuckDB evaluates every argument of coalesce()
    on every row, and a CASE branch only on the rows that take it. -#}
{% macro landed_timestamp(name) -%}
    {%- set typed = raw_typed_column(raw_contract_timestamp(name)) -%}
    case
        when {{ typed }} is not null then {{ typed }}
        else {{ parse_timestamp_utc(clean_text(raw_contract_timestamp(name))) }}
    end
{%- endmacro %}

{#- The raw tables a source may lack (docs/definitions.md#raw-data-contract): absent, they
    read as no rows (raw_dir without their files, raw_schema without the table) and
    everything else builds. The Python package reads the same list
    (lead_funnel.common.optional_raw_tables). -#}
{% macro raw_optional_tables() -%}
    {{ return(['qualifications']) }}
{%- endmacro %}

{#- The raw rows of one table as delivered, one row per record (an identical copy is a row
    too: triage_rows counts it as a duplicate delivery), every raw column as text, with the
    row's text (for a record that could not be read, its file, line and text:
    malformed_record), raw_values_masked (the text rendered from masked values for the dq
    models; null without mask_pii, and a record that could not be read shows no text then),
    the landing file (null outside raw_dir), `raw_row_hash` (raw_row_hash below) and the
    contract timestamp as a typed Parquet file holds it (raw_typed_column, else null). With
    `files` (raw_dir) only those landing files are read. -#}
{% macro landed_rows(name, files=none) -%}
    {%- set columns = raw_columns(name) -%}
    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        malformed_reason,
        landing_file,
        {{ raw_row_hash(columns + ['malformed_reason', 'malformed_record']) }} as raw_row_hash,
        coalesce(malformed_record, {{ raw_row_text(columns) }}) as raw_values,
        {{ 'coalesce(malformed_record, ' ~ raw_row_text(columns, masked=true) ~ ')' if mask_pii_enabled()
           else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as raw_values_masked,
        {{ raw_typed_column(raw_contract_timestamp(name)) }}
    from ({{ raw_source(name, columns, files) }}) as raw_rows
{%- endmacro %}

{#- A hash of every raw value of a row that tells identical rows (copies of one delivery)
    from different ones: rows with the same key and the same hash are copies. An MD5 over the
    values, each prefixed with its length, so no two different rows share the text hashed;
    on DuckDB its own 64-bit hash of the values (a null hashes apart from any text), which
    is several times cheaper (it is compared only among the rows sharing a key). -#}
{% macro raw_row_hash(columns) -%}
    {{ return(adapter.dispatch('raw_row_hash', 'lead_funnel')(columns)) }}
{%- endmacro %}

{% macro default__raw_row_hash(columns) -%}
    {%- set hashed = [] -%}
    {%- for column in columns -%}
        {%- do hashed.append("coalesce(" ~ dbt.concat([dbt.cast(dbt.length(column), dbt.type_string()), "':'", column]) ~ ", '-')") -%}
        {%- if not loop.last %}{% do hashed.append("','") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(hashed)) }}
{%- endmacro %}

{% macro duckdb__raw_row_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}
