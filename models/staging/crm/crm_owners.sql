-- one row per CRM user who can own a lead or perform an activity (Salesforce user, HubSpot
-- owner), with a readable name; built only when crm_source names a CRM. The raw tables keep
-- the CRM's own owner ids (SLA owners and rep cuts group by them); join here for names.
-- Each adapter provides `<crm>__owners` with these columns.
{%- if crm_source() != 'files' %}
with

owners as (select * from {{ ref(crm_source() ~ '__owners') }}),

final as (
    select
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(owner_name as {{ dbt.type_string() }}) as owner_name,
        cast(owner_email as {{ dbt.type_string() }}) as owner_email,
        cast(crm as {{ dbt.type_string() }}) as crm
    from owners
)

select * from final
{%- else %}
select 1 as disabled_when_crm_source_is_files
{%- endif %}
