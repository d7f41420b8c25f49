-- one row per connector row the selected CRM adapter left out of the raw tables on purpose
-- (soft-deleted, or no funnel event such as a campaign member who never responded), with the
-- source table, its key and why; built only when crm_source names a CRM. Rows the adapter
-- passes on but staging rejects (an unknown lead, an unmapped stage) are in dq_rejected_rows
-- instead. Each adapter provides `<crm>__excluded_rows` with these columns.
{%- if crm_source() != 'files' %}
with

excluded as (select * from {{ ref(crm_source() ~ '__excluded_rows') }}),

final as (
    select
        cast(crm as {{ dbt.type_string() }}) as crm,
        cast(source_table as {{ dbt.type_string() }}) as source_table,
        cast(source_id as {{ dbt.type_string() }}) as source_id,
        cast(exclusion_reason as {{ dbt.type_string() }}) as exclusion_reason
    from excluded
)

select * from final
{%- else %}
select 1 as disabled_when_crm_source_is_files
{%- endif %}
