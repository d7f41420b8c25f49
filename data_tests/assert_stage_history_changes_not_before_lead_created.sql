-- docs/definitions.md#bad-input: a stage change dated before its lead's created_at is kept
-- (source systems backdate and import late) but surfaced here as a warning, never a failed
-- build
{{ config(severity='warn') }}
with

leads as (select * from {{ ref('stg_leads') }}),

stage_history as (select * from {{ ref('fct_lead_stage_history') }}),

final as (
    select
        stage_history.stage_entry_id,
        stage_history.lead_id,
        stage_history.change_id,
        stage_history.stage,
        stage_history.entered_at,
        leads.created_at as lead_created_at
    from stage_history
    inner join leads
        on stage_history.lead_id = leads.lead_id
    where stage_history.is_from_history
        and stage_history.entered_at < leads.created_at
)

select * from final
