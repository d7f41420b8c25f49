-- one row per rejected raw row (distinct rows; extra exact copies are counted in
-- dq_row_reconciliation.duplicate_rows), with the reason and the raw values
with

leads as (select * from {{ ref('stg_leads__triaged') }}),
activities as (select * from {{ ref('stg_activities__triaged') }}),
stage_changes as (select * from {{ ref('stg_stage_changes__triaged') }}),
activities_lead_checked as (select * from {{ ref('int_activities_lead_checked') }}),
stage_changes_lead_checked as (select * from {{ ref('int_stage_changes_lead_checked') }}),

rejected as (
    select 'leads' as source_table, lead_id as source_key, lead_id, reject_reason as reason, raw_values
    from leads
    where reject_reason is not null

    union all

    select 'activities' as source_table, activity_id as source_key, lead_id, reject_reason as reason, raw_values
    from activities
    where reject_reason is not null

    union all

    select 'activities' as source_table, activities.activity_id as source_key, activities.lead_id,
        'unknown_lead' as reason, activities.raw_values
    from activities
    inner join activities_lead_checked
        on activities.activity_id = activities_lead_checked.activity_id
    where activities.reject_reason is null
        and not activities_lead_checked.has_known_lead

    union all

    select 'stage_changes' as source_table, change_id as source_key, lead_id, reject_reason as reason, raw_values
    from stage_changes
    where reject_reason is not null

    union all

    select 'stage_changes' as source_table, stage_changes.change_id as source_key, stage_changes.lead_id,
        'unknown_lead' as reason, stage_changes.raw_values
    from stage_changes
    inner join stage_changes_lead_checked
        on stage_changes.change_id = stage_changes_lead_checked.change_id
    where stage_changes.reject_reason is null
        and not stage_changes_lead_checked.has_known_lead
),

final as (
    select
        {{ dbt.hash(dbt.concat(["source_table", "'|'", "raw_values"])) }} as rejected_row_id,
        source_table,
        source_key,
        lead_id,
        reason,
        raw_values
    from rejected
)

select * from final
