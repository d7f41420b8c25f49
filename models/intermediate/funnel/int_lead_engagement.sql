-- one row per valid lead: whether it has engaged by as_of and when it first did, the moment a
-- contact (a record with no engagement yet) becomes a lead in the contact -> lead step
-- (docs/definitions.md#contacts-and-leads). An engagement is an activity of a positive-point
-- engagement rule (uncapped_points > 0), the same engagement activity as the account models':
-- a sales touch (0 points), a bounce or an unsubscribe (negative) engages nobody. An activity
-- dated before the lead was created engages it from its creation. The first engagement of
-- each lead is stored per lead (int_lead_first_engagements, incremental); only the judgment
-- at as_of is made here, on every run.
with

leads as (select * from {{ ref('stg_leads') }}),
first_engagements as (select * from {{ ref('int_lead_first_engagements') }}),
as_of as (select * from {{ ref('run_as_of') }}),

-- the first engagement ever, when it is not after as_of (then none is by as_of)
engaged_by_as_of as (
    select first_engagements.*
    from first_engagements
    cross join as_of
    where first_engagements.first_engagement_at <= as_of.as_of_at
),

final as (
    select
        leads.lead_id,
        leads.created_at,
        engaged_by_as_of.lead_id is not null as is_engaged,
        engaged_by_as_of.first_engagement_activity_id,
        engaged_by_as_of.first_engagement_activity_type,
        case
            when engaged_by_as_of.first_engagement_at < leads.created_at then leads.created_at
            else engaged_by_as_of.first_engagement_at
        end as engaged_at
    from leads
    left join engaged_by_as_of
        on leads.lead_id = engaged_by_as_of.lead_id
)

select * from final
