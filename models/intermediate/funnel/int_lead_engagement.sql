-- one row per valid lead: whether it has engaged by as_of and when it first did, the moment a
-- contact (a record with no engagement yet) becomes a lead in the contact -> lead step
-- (docs/definitions.md#contacts-and-leads). An engagement is an activity of a positive-point
-- engagement rule (uncapped_points > 0), the same engagement activity as the account models':
-- a sales touch (0 points), a bounce or an unsubscribe (negative) engages nobody. An activity
-- dated before the lead was created engages it from its creation.
with

leads as (select * from {{ ref('stg_leads') }}),
scored_activities as (select * from {{ ref('int_activities_scored') }}),
as_of as (select * from {{ ref('run_as_of') }}),

engagement_activities as (
    select
        scored_activities.lead_id,
        scored_activities.activity_id,
        scored_activities.activity_type,
        scored_activities.occurred_at,
        row_number() over (
            partition by scored_activities.lead_id
            order by scored_activities.occurred_at, scored_activities.activity_id
        ) as engagement_rank
    from scored_activities
    cross join as_of
    where {{ is_engagement_activity('scored_activities') }}
        and scored_activities.occurred_at <= as_of.as_of_at
),

final as (
    select
        leads.lead_id,
        leads.created_at,
        engagement_activities.lead_id is not null as is_engaged,
        engagement_activities.activity_id as first_engagement_activity_id,
        engagement_activities.activity_type as first_engagement_activity_type,
        case
            when engagement_activities.occurred_at < leads.created_at then leads.created_at
            else engagement_activities.occurred_at
        end as engaged_at
    from leads
    left join engagement_activities
        on leads.lead_id = engagement_activities.lead_id
            and engagement_activities.engagement_rank = 1
)

select * from final
