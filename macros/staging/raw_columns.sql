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
    {%- endset -%}
    {%- set columns = fromyaml(raw_contract_yaml) -%}
    {%- if name not in columns -%}
        {{ exceptions.raise_compiler_error("Unknown raw table '" ~ name ~ "'") }}
    {%- endif -%}
    {{ return(columns[name]) }}
{%- endmacro %}

{#- Rows delivered more than once with identical values in one landing are one row: this
    collapses them, keeping every raw column as text, counting the copies
    (`delivery_count`) and adding the row's text (for a record that could not be read, its
    file, line and text: malformed_record), raw_values_masked (the text rendered from masked
    values for the dq models; null without mask_pii, and a record that could not be read
    shows no text then), the landing file (null outside raw_dir) and `raw_row_hash`, which
    tells identical rows apart from different ones across landings (an MD5 over every raw
    value, each prefixed with its length, so no two different rows share the text it
    hashes). With `files` (raw_dir) only those landing files are read. -#}
{% macro distinct_deliveries(name, files=none) -%}
    {%- set columns = raw_columns(name) -%}
    {%- set hashed = [] -%}
    {%- for column in columns + ['malformed_reason', 'malformed_record'] -%}
        {%- do hashed.append("coalesce(" ~ dbt.concat([dbt.cast(dbt.length(column), dbt.type_string()), "':'", column]) ~ ", '-')") -%}
        {%- if not loop.last %}{% do hashed.append("','") %}{% endif -%}
    {%- endfor -%}
    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        malformed_reason,
        landing_file,
        count(*) as delivery_count,
        {{ dbt.hash(dbt.concat(hashed)) }} as raw_row_hash,
        coalesce(malformed_record, {{ raw_row_text(columns) }}) as raw_values,
        {{ 'coalesce(malformed_record, ' ~ raw_row_text(columns, masked=true) ~ ')' if mask_pii_enabled()
           else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as raw_values_masked
    from ({{ raw_source(name, columns, files) }}) as raw_rows
    group by
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        malformed_reason,
        malformed_record,
        landing_file
{%- endmacro %}
