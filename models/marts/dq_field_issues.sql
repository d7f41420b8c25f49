-- one row per bad optional value that was set to null in a kept row (the row itself is valid)
with

leads as (select * from {{ ref('stg_leads__triaged') }} where reject_reason is null),
activities as (select * from {{ ref('stg_activities__triaged') }} where reject_reason is null),
stage_changes as (select * from {{ ref('stg_stage_changes__triaged') }} where reject_reason is null),
known_activities as (select activity_id from {{ ref('int_activities_lead_checked') }} where has_known_lead),
known_stage_changes as (select change_id from {{ ref('int_stage_changes_lead_checked') }} where has_known_lead),

issues as (
    select 'leads' as source_table, lead_id as source_key, 'email' as column_name,
        email_text as raw_value, email_issue as issue
    from leads
    where email_issue is not null

    union all

    select 'leads' as source_table, lead_id as source_key, 'company_size' as column_name,
        company_size_text as raw_value, company_size_issue as issue
    from leads
    where company_size_issue is not null

    union all

    select 'activities' as source_table, activities.activity_id as source_key,
        'duration_seconds' as column_name, activities.duration_seconds_text as raw_value,
        activities.duration_seconds_issue as issue
    from activities
    inner join known_activities
        on activities.activity_id = known_activities.activity_id
    where activities.duration_seconds_issue is not null

    union all

    select 'stage_changes' as source_table, stage_changes.change_id as source_key,
        'amount' as column_name, stage_changes.amount_text as raw_value,
        stage_changes.amount_issue as issue
    from stage_changes
    inner join known_stage_changes
        on stage_changes.change_id = known_stage_changes.change_id
    where stage_changes.amount_issue is not null
),

final as (
    select
        source_table,
        source_key,
        column_name,
        raw_value,
        issue
    from issues
)

select * from final
