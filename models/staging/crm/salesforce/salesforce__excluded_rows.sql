-- one row per Salesforce row left out of the raw tables on purpose, with why (read by
-- crm_excluded_rows): soft-deleted rows (is_deleted) of lead, task, event, campaign_member,
-- campaign, lead_history, opportunity and opportunity_history (a lead deleted because it was
-- merged into another, master_record_id set, is `merged`), history rows of a soft-deleted
-- opportunity, and campaign members who never responded (`no_response`).
with

leads as ({{ crm_table('salesforce', 'lead') }}),

tasks as ({{ crm_table('salesforce', 'task') }}),

events as ({{ crm_table('salesforce', 'event') }}),

members as ({{ crm_table('salesforce', 'campaign_member') }}),

campaigns as ({{ crm_table('salesforce', 'campaign') }}),

lead_history as ({{ crm_table('salesforce', 'lead_history') }}),

opportunities as ({{ crm_table('salesforce', 'opportunity') }}),

opportunity_history as ({{ crm_table('salesforce', 'opportunity_history') }}),

campaign_responses as (select * from {{ ref('salesforce__campaign_responses') }}),

deleted_opportunities as (
    select id from opportunities where {{ crm_is_true('is_deleted') }}
),

excluded as (
    select
        'salesforce.lead' as source_table,
        id as source_id,
        case when master_record_id is not null then 'merged' else 'soft_deleted' end as exclusion_reason
    from leads
    where {{ crm_is_true('is_deleted') }}
    union all
    select
        'salesforce.task' as source_table,
        id as source_id,
        'soft_deleted' as exclusion_reason
    from tasks where {{ crm_is_true('is_deleted') }}
    union all
    select
        'salesforce.event' as source_table,
        id as source_id,
        'soft_deleted' as exclusion_reason
    from events where {{ crm_is_true('is_deleted') }}
    union all
    select
        'salesforce.campaign' as source_table,
        id as source_id,
        'soft_deleted' as exclusion_reason
    from campaigns where {{ crm_is_true('is_deleted') }}
    union all
    select
        'salesforce.lead_history' as source_table,
        id as source_id,
        'soft_deleted' as exclusion_reason
    from lead_history where {{ crm_is_true('is_deleted') }}
    union all
    select
        'salesforce.opportunity' as source_table,
        id as source_id,
        'soft_deleted' as exclusion_reason
    from deleted_opportunities
    union all
    select
        'salesforce.opportunity_history' as source_table,
        id as source_id,
        'soft_deleted' as exclusion_reason
    from opportunity_history
    where
        {{ crm_is_true('is_deleted') }}
        or opportunity_id in (select deleted_opportunities.id from deleted_opportunities)
    union all
    select
        'salesforce.campaign_member' as source_table,
        members.id as source_id,
        case when {{ crm_is_true('members.is_deleted') }} then 'soft_deleted' else 'no_response' end as exclusion_reason
    from members
    where
        {{ crm_is_true('members.is_deleted') }}
        or members.id not in (
            select campaign_responses.member_id from campaign_responses
        )
),

final as (
    select
        'salesforce' as crm,
        source_table,
        source_id,
        exclusion_reason
    from excluded
)

select * from final
