-- every valid lead has a stage history with exactly one current entry (its current stage),
-- and the history has no lead that is not a valid lead
with

leads as (select lead_id from {{ ref('stg_leads') }}),

stage_history as (select * from {{ ref('fct_lead_stage_history') }}),

current_entries as (
    select
        lead_id,
        count(case when is_current then 1 end) as current_entries
    from stage_history
    group by lead_id
),

final as (
    select
        coalesce(leads.lead_id, current_entries.lead_id) as lead_id,
        current_entries.current_entries
    from leads
    full outer join current_entries
        on leads.lead_id = current_entries.lead_id
    where leads.lead_id is null
        or current_entries.lead_id is null
        or current_entries.current_entries != 1
)

select * from final
