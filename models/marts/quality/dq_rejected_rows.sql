-- one row per rejected raw row (distinct rows; extra exact copies are counted in
-- dq_row_reconciliation.duplicate_rows), with the reason and the raw values (with var
-- mask_pii rendered from masked values: macros/staging/pii.sql, masked_raw_value)
{%- set mask_pii = mask_pii_enabled() %}
{#- the raw tables and their keys; all but leads refer to a lead -#}
{%- set lead_keyed_tables = [
    ('activities', 'activity_id'), ('stage_changes', 'change_id'), ('qualifications', 'qualification_id'),
] %}
{%- set tables = [('leads', 'lead_id')] + lead_keyed_tables %}
with

leads as (select * from {{ ref('stg_leads_triaged') }}),
activities as (select * from {{ ref('stg_activities_triaged') }}),
stage_changes as (select * from {{ ref('stg_stage_changes_triaged') }}),
qualifications as (select * from {{ ref('stg_qualifications_triaged') }}),
-- usable rows whose lead is not a valid lead
unknown_lead_rows as (select * from {{ ref('int_unknown_lead_rows') }}),

{% for table, key in lead_keyed_tables %}
-- Staging keeps the raw text of a usable row when its lead was unknown as it was triaged; a
-- lead that stopped being valid since (a re-delivered lead row, an earlier as_of) leaves rows
-- without it, read back from the base model
{{ table }}_unknown_lead_rows as (
    select
        source_key as {{ key }},
        lead_id,
        landing_file,
        raw_row_hash,
        raw_values,
        raw_values_masked
    from unknown_lead_rows
    where source_table = '{{ table }}'
),

{{ table }}_text_read_back as (
    select
        landed.{{ key }},
        landed.raw_row_hash,
        landed.landing_file,
        landed.raw_values,
        landed.raw_values_masked
    from {{ ref('base_' ~ table) }} as landed
    inner join {{ table }}_unknown_lead_rows as needed
        on landed.{{ key }} = needed.{{ key }}
            and landed.raw_row_hash = needed.raw_row_hash
            and {{ equal_or_both_null('landed.landing_file', 'needed.landing_file') }}
    where needed.raw_values is null
),

{{ table }}_unknown_lead as (
    select distinct
        unknown_lead_rows.{{ key }},
        unknown_lead_rows.lead_id,
        coalesce(unknown_lead_rows.raw_values, text_read_back.raw_values) as raw_values,
        coalesce(unknown_lead_rows.raw_values_masked, text_read_back.raw_values_masked) as raw_values_masked
    from {{ table }}_unknown_lead_rows as unknown_lead_rows
    left join {{ table }}_text_read_back as text_read_back
        on unknown_lead_rows.{{ key }} = text_read_back.{{ key }}
            and unknown_lead_rows.raw_row_hash = text_read_back.raw_row_hash
            and {{ equal_or_both_null('unknown_lead_rows.landing_file', 'text_read_back.landing_file') }}
),

{% endfor -%}

rejected as (
    {% for table, key in tables %}
    select
        '{{ table }}' as source_table,
        {{ key }} as source_key,
        lead_id,
        reject_reason as reason,
        raw_values,
        raw_values_masked
    from {{ table }}
    where reject_reason is not null

    union all
    {% endfor %}
    {% for table, key in lead_keyed_tables %}
    select
        '{{ table }}' as source_table,
        {{ key }} as source_key,
        lead_id,
        'unknown_lead' as reason,
        raw_values,
        raw_values_masked
    from {{ table }}_unknown_lead
    {% if not loop.last %}
    union all
    {% endif %}
    {% endfor %}
),

-- the id is unique by construction: rows of one table with the same raw text (a null and a
-- delivered text '<null>' show alike) are numbered apart; a record that could not be read
-- shows its file and line in raw_values, so it has a text of its own
numbered as (
    select
        *,
        row_number() over (
            partition by source_table, raw_values
            order by reason, source_key, lead_id
        ) as raw_text_number
    from rejected
),

final as (
    select
        -- keyed with mask_pii (an unkeyed hash of the row could be matched against guessed rows)
        {{ (pii_hash if mask_pii else dbt.hash)(dbt.concat([
            "source_table", "'|'", dbt.cast("raw_text_number", dbt.type_string()), "'|'", "raw_values"
        ])) }} as rejected_row_id,
        source_table,
        source_key,
        lead_id,
        reason,
        {{ 'raw_values_masked' if mask_pii else 'raw_values' }} as raw_values
    from numbered
)

select * from final
