-- one row per valid source activities row, flagged with whether its lead is a valid lead
-- (rows for unknown leads are rejected as unknown_lead in dq_rejected_rows), with the lead's
-- creation time (the one join of the activities to their leads: its readers need not join
-- stg_leads again)
-- a view: a filter (and a join) that is cheaper to recompute where it is read than to
-- write every activity to disk once more
{{ config(materialized='view') }}
with

activities as (select * from {{ ref('stg_activities') }}),

leads as (
    select
        lead_id,
        created_at
    from {{ ref('stg_leads') }}
),

final as (
    select
        activities.activity_id,
        activities.lead_id,
        activities.owner_id,
        activities.activity_type,
        activities.campaign,
        activities.detail,
        activities.duration_seconds,
        activities.occurred_at,
        leads.lead_id is not null as has_known_lead,
        leads.created_at as lead_created_at,
        activities.written_by_run_id
    from activities
    left join leads
        on activities.lead_id = leads.lead_id
)

select * from final
