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

engagement_candidates as (
    select
        scored_activities.lead_id,
        scored_activities.activity_id,
        scored_activities.activity_type,
        scored_activities.occurred_at
    from scored_activities
    cross join as_of
    where {{ is_engagement_activity('scored_activities') }}
        and scored_activities.occurred_at <= as_of.as_of_at
),

-- the first engagement per lead: the earliest instant, then the lowest activity_id at it
{{ first_rows_ctes('first_engagements', 'engagement_candidates', ['lead_id'], 'occurred_at', 'activity_id') }},

final as (
    select
        leads.lead_id,
        leads.created_at,
        first_engagements.lead_id is not null as is_engaged,
        first_engagements.activity_id as first_engagement_activity_id,
        first_engagements.activity_type as first_engagement_activity_type,
        case
            when first_engagements.occurred_at < leads.created_at then leads.created_at
            else first_engagements.occurred_at
        end as engaged_at
    from leads
    left join first_engagements
        on leads.lead_id = first_engagements.lead_id
)

select * from final
