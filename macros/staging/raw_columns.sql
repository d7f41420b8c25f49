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
    too: triage_rows counts it as a duplicate delivery), every raw column as text, with
    malformed_record (for a record that could not be read, its file, line and text), the
    landing file (null outside raw_dir), `raw_row_hash` (raw_row_hash below) and the
    contract timestamp as a typed Parquet file holds it (raw_typed_column, else null). With
    `files` (raw_dir) only those landing files are read. The row's text is not built here:
    see stored_raw_values. -#}
{% macro landed_rows(name, files=none) -%}
    {%- set columns = raw_columns(name) -%}
    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        malformed_reason,
        malformed_record,
        landing_file,
        {{ raw_row_hash(columns + ['malformed_reason', 'malformed_record']) }} as raw_row_hash,
        {{ raw_typed_column(raw_contract_timestamp(name)) }}
    from ({{ raw_source(name, columns, files) }}) as raw_rows
{%- endmacro %}

{#- The raw row's text, `column=value | ...` (raw_row_text), is what dq_rejected_rows shows of a
    rejected row. Building it for every landed row cost about half of base_activities (at 1M
    leads its SQL took 27 s with the text, 16 s without), for the few rows the data-quality
    models show. So a base model keeps
    each raw column's text in one of its own columns, and stores the row's text only for the
    rows whose text those columns do not give back: a value delivered with spaces around it,
    empty, or in another case than stored, and a record that could not be read. For every
    other row raw_values is null, and raw_values_of rebuilds the same text from the stored
    columns where it is shown (triage_rows).

    raw_text_columns(name): for each raw column, in contract order, the base model's column
    that holds its text (the value cleaned, or as delivered) -- the one home of that mapping. -#}
{% macro raw_text_columns(name) -%}
    {%- set stored_yaml -%}
leads: {lead_id: lead_id, created_at: created_at_text, email: email_text, first_name: first_name,
        last_name: last_name, job_title: job_title, phone: phone, company_name: company_name,
        company_size: company_size_text, industry: industry, country: country,
        lead_source: lead_source, acquisition_offer: acquisition_offer, owner_id: owner_id}
activities: {activity_id: activity_id, lead_id: lead_id, activity_type: activity_type,
             occurred_at: occurred_at_text, owner_id: owner_id, campaign: campaign,
             detail: detail, duration_seconds: duration_seconds_text}
stage_changes: {change_id: change_id, lead_id: lead_id, stage: stage_label,
                changed_at: changed_at_text, owner_id: owner_id, reason: reason,
                amount: amount_text}
qualifications: {qualification_id: qualification_id, lead_id: lead_id, criterion: criterion_text,
                 value: value, recorded_at: recorded_at_text, owner_id: owner_id}
    {%- endset -%}
    {%- set stored = fromyaml(stored_yaml)[name] -%}
    {%- if stored.keys() | list | sort != raw_columns(name) | list | sort -%}
        {{ exceptions.raise_compiler_error("raw_text_columns('" ~ name ~ "') must name every raw column") }}
    {%- endif -%}
    {{ return(stored) }}
{%- endmacro %}

{#- In a base model's typed CTE (reading landed_rows): the raw columns as delivered, renamed
    delivered_<column>, and malformed_record, for stored_raw_values. -#}
{% macro delivered_raw_columns(name) -%}
    {%- for column in raw_columns(name) %}
        {{ column }} as delivered_{{ column }},
    {%- endfor %}
        malformed_record
{%- endmacro %}

{#- In a base model's final CTE: raw_values and raw_values_masked (with mask_pii, the text
    rendered from masked values; null otherwise), null when the stored columns give the row's
    text back (each stored column equal to the value delivered, both null included) and the
    record could be read. `relation` qualifies the columns when the CTE joins others.
    Engines whose triage keeps the base model's columns as they are (star_replacing) store
    every row's text. -#}
{% macro stored_raw_values(name, relation=none) -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    {%- set stored = raw_text_columns(name) -%}
    {%- set columns = raw_columns(name) -%}
    {%- set delivered = {} -%}
    {%- set same = [prefix ~ 'malformed_record is null'] -%}
    {%- for column in columns -%}
        {%- set as_delivered = prefix ~ 'delivered_' ~ column -%}
        {%- set as_stored = prefix ~ stored[column] -%}
        {%- do delivered.update({column: as_delivered}) -%}
        {%- do same.append('(' ~ as_delivered ~ ' = ' ~ as_stored ~ ' or (' ~ as_delivered
            ~ ' is null and ' ~ as_stored ~ ' is null))') -%}
    {%- endfor -%}
    {%- set texts = {'raw_values': raw_row_text(columns, values=delivered)} -%}
    {%- if mask_pii_enabled() -%}
        {%- do texts.update({'raw_values_masked': raw_row_text(columns, masked=true, values=delivered)}) -%}
    {%- endif -%}
    {%- for column, text in texts.items() -%}
        {%- if star_replaces_columns() -%}
    case
            when {{ same | join('\n                and ') }}
                then null
            else coalesce({{ prefix }}malformed_record, {{ text }})
        end as {{ column }}
        {%- else -%}
    coalesce({{ prefix }}malformed_record, {{ text }}) as {{ column }}
        {%- endif -%}
        {%- if not loop.last %},
        {% endif -%}
    {%- endfor -%}
    {%- if not mask_pii_enabled() %},
        cast(null as {{ dbt.type_string() }}) as raw_values_masked
    {%- endif -%}
{%- endmacro %}

{#- The raw row's text of a base model row (`relation` qualifies its columns): its raw_values,
    or when that is null the same text rebuilt from the stored columns (stored_raw_values).
    With masked=true, the text rendered from masked values (null without mask_pii). A CASE,
    not coalesce(), so that only the rows without a stored text are rebuilt. -#}
{% macro raw_values_of(name, relation, masked=false) -%}
    {%- if masked and not mask_pii_enabled() -%}
    cast(null as {{ dbt.type_string() }})
    {%- else -%}
    {%- set stored = raw_text_columns(name) -%}
    {%- set values = {} -%}
    {%- for column in raw_columns(name) -%}
        {%- do values.update({column: relation ~ '.' ~ stored[column]}) -%}
    {%- endfor -%}
    case
        when {{ relation }}.raw_values is not null
            then {{ relation }}.{{ 'raw_values_masked' if masked else 'raw_values' }}
        else {{ raw_row_text(raw_columns(name), masked=masked, values=values) }}
    end
    {%- endif -%}
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
