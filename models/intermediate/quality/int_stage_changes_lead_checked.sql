-- one row per valid source stage changes row, flagged with whether its lead is a valid lead
-- (rows for unknown leads are rejected as unknown_lead in dq_rejected_rows)
with

stage_changes as (select * from {{ ref('stg_stage_changes') }}),

leads as (select lead_id from {{ ref('stg_leads') }}),

final as (
    select
        stage_changes.change_id,
        stage_changes.lead_id,
        stage_changes.owner_id,
        stage_changes.stage,
        stage_changes.stage_label,
        stage_changes.reason,
        stage_changes.amount,
        stage_changes.changed_at,
        leads.lead_id is not null as has_known_lead
    from stage_changes
    left join leads
        on stage_changes.lead_id = leads.lead_id
)

select * from final
