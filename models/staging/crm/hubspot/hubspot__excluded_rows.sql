-- one row per HubSpot connector row the adapter leaves out of the raw tables on purpose,
-- for crm_excluded_rows: soft-deleted contacts and deals (the connector's _fivetran_deleted /
-- is_deleted), and the activity and stage change rows left out with them or deleted
-- themselves (a deleted engagement), with the source table and key
with

contacts as (select * from {{ ref('stg_hubspot__contacts') }}),

deals as (select * from {{ ref('stg_hubspot__deals') }}),

activity_rows as (select * from {{ ref('stg_hubspot__activity_rows') }}),

stage_change_rows as (select * from {{ ref('stg_hubspot__stage_change_rows') }}),

excluded as (
    select
        'hubspot.contact' as source_table,
        contact_id as source_id,
        'soft_deleted' as exclusion_reason
    from contacts
    where is_deleted
    union all
    select
        'hubspot.deal' as source_table,
        deal_id as source_id,
        'soft_deleted' as exclusion_reason
    from deals
    where is_deleted
    union all
    select
        landing_file as source_table,
        activity_id as source_id,
        exclusion_reason
    from activity_rows
    where exclusion_reason is not null
    union all
    select
        landing_file as source_table,
        change_id as source_id,
        exclusion_reason
    from stage_change_rows
    where exclusion_reason is not null
),

final as (
    select
        'hubspot' as crm,
        source_table,
        source_id,
        exclusion_reason
    from excluded
)

select * from final
