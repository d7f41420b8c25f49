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

{#- Rows delivered more than once with identical values are one row: this collapses them,
    keeping every raw column as text, counting the deliveries and adding the row's text (for
    a record that could not be read, its file, line and text: malformed_record) and
    raw_values_masked, the text rendered from masked values for the dq models (null without
    mask_pii; a record that could not be read shows no text then). -#}
{% macro distinct_deliveries(name) -%}
    {%- set columns = raw_columns(name) -%}
    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        malformed_reason,
        count(*) as delivery_count,
        coalesce(malformed_record, {{ raw_row_text(columns) }}) as raw_values,
        {{ 'coalesce(malformed_record, ' ~ raw_row_text(columns, masked=true) ~ ')' if mask_pii_enabled()
           else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as raw_values_masked
    from ({{ raw_source(name, columns) }}) as raw_rows
    group by
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        malformed_reason,
        malformed_record
{%- endmacro %}
