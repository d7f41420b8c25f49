-- one row per MQL entry (a lead recycled and qualified again has one row per entry), with
-- the sales decision that followed it: the first accepting (sal, sql, opportunity, customer)
-- or rejecting (rejected, recycled, disqualified) entry after it
with

stage_entries as (select * from {{ ref('int_lead_stage_entries') }}),

mql_entries as (
    select
        stage_entry_id as mql_entry_id,
        lead_id,
        entered_at as mql_entered_at,
        entry_sequence,
        row_number() over (partition by lead_id order by entry_sequence) as mql_entry_number
    from stage_entries
    where stage = 'mql'
),

decisions as (
    select
        mql_entries.mql_entry_id,
        stage_entries.stage as decision_stage,
        stage_entries.sla_decision as decision,
        stage_entries.entered_at as decided_at,
        stage_entries.owner_id as decided_by,
        row_number() over (
            partition by mql_entries.mql_entry_id
            order by stage_entries.entry_sequence
        ) as decision_rank
    from mql_entries
    inner join stage_entries
        on mql_entries.lead_id = stage_entries.lead_id
            and mql_entries.entry_sequence < stage_entries.entry_sequence
    where stage_entries.sla_decision is not null
),

final as (
    select
        mql_entries.mql_entry_id,
        mql_entries.lead_id,
        mql_entries.mql_entered_at,
        mql_entries.mql_entry_number,
        decisions.decision,
        decisions.decision_stage,
        decisions.decided_at,
        decisions.decided_by
    from mql_entries
    left join decisions
        on mql_entries.mql_entry_id = decisions.mql_entry_id
            and decisions.decision_rank = 1
)

select * from final
