-- one row per Salesforce activity as a raw `activities` row (the raw contract's columns,
-- text) plus landing_file naming the source table: tasks and events that are not
-- soft-deleted (sales touches), and campaign responses (salesforce__campaign_responses).
-- who_id names a lead or a contact; a contact converted from a lead maps back to that lead
-- (salesforce__people), any other id is passed on as it is and staging rejects the row as
-- unknown_lead (dq_rejected_rows names salesforce.task / salesforce.event and the id).
-- Task and event types come from the seed crm_activity_types (sources task: its subtype or
-- type; event: its type); it ships Salesforce's defaults: Call -> sales_call, Email / List
-- Email -> sales_email, a task of type Meeting -> sales_meeting, any other task (a to-do)
-- sales_task; an event is a meeting unless its type says Call or Email.
{%- set task_date_is_later = "substring(tasks.activity_date, 1, 10) > substring(tasks.created_date, 1, 10)" %}
with

tasks as ({{ crm_table('salesforce', 'task') }}),

events as ({{ crm_table('salesforce', 'event') }}),

people as (select * from {{ ref('salesforce__people') }}),

campaign_responses as (select * from {{ ref('salesforce__campaign_responses') }}),

activity_type_rules as (select * from {{ ref('crm_activity_types') }}),

task_kinds as (
    select distinct
        {{ crm_kind_key('task_subtype') }} as subtype_key,
        {{ crm_kind_key('type') }} as type_key
    from tasks
),

task_types as (
    {{ crm_activity_types_of('salesforce', 'task', 'task_kinds', ['subtype_key', 'type_key']) }}
),

event_kinds as (
    select distinct {{ crm_kind_key('type') }} as type_key
    from events
),

event_types as (
    {{ crm_activity_types_of('salesforce', 'event', 'event_kinds', ['type_key']) }}
),

task_activities as (
    select
        tasks.id as activity_id,
        coalesce(people.lead_id, tasks.who_id) as lead_id,
        task_types.activity_type,
        -- activity_date is the task's day (a date); created_date the exact time it was
        -- logged: the day when it is a later one (a task done after it was created)
        case
            when tasks.activity_date is not null and {{ task_date_is_later }} then tasks.activity_date
            else tasks.created_date
        end as occurred_at,
        tasks.owner_id,
        cast(null as {{ dbt.type_string() }}) as campaign,
        tasks.subject as detail,
        tasks.call_duration_in_seconds as duration_seconds,
        'salesforce.task' as landing_file
    from tasks
    inner join task_types
        on
            {{ crm_kind_key('tasks.task_subtype') }} = task_types.subtype_key
            and {{ crm_kind_key('tasks.type') }} = task_types.type_key
    left join people
        on tasks.who_id = people.person_id
    where not {{ crm_is_true('tasks.is_deleted') }}
),

event_activities as (
    select
        events.id as activity_id,
        coalesce(people.lead_id, events.who_id) as lead_id,
        event_types.activity_type,
        coalesce(events.activity_date_time, events.activity_date, events.created_date) as occurred_at,
        events.owner_id,
        cast(null as {{ dbt.type_string() }}) as campaign,
        events.subject as detail,
        cast({{ try_cast_integer('events.duration_in_minutes') }} * 60 as {{ dbt.type_string() }}) as duration_seconds,
        'salesforce.event' as landing_file
    from events
    inner join event_types
        on {{ crm_kind_key('events.type') }} = event_types.type_key
    left join people
        on events.who_id = people.person_id
    where not {{ crm_is_true('events.is_deleted') }}
),

response_activities as (
    select
        activity_id,
        lead_id,
        activity_type,
        occurred_at,
        cast(null as {{ dbt.type_string() }}) as owner_id,
        campaign_name as campaign,
        member_status as detail,
        cast(null as {{ dbt.type_string() }}) as duration_seconds,
        'salesforce.campaign_member' as landing_file
    from campaign_responses
),

final as (
    select * from task_activities
    union all
    select * from event_activities
    union all
    select * from response_activities
)

select * from final
