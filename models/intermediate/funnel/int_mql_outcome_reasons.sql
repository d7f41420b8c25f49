-- one row per MQL entry whose sales decision was negative (rejected, recycled or
-- disqualified: int_mql_entries.decision = 'rejected'), with the reason written on the
-- deciding stage change, its reason group (seeds/config/mql_outcome_reason_mapping.csv) and what
-- became of the lead afterwards: whether it entered MQL again after the decision, and whether
-- it reached SQL (or later) at or after that re-entry
with

mql_entries as (select * from {{ ref('int_mql_entries') }}),

stage_entries as (select * from {{ ref('int_lead_stage_entries') }}),

sla_clocks as (select * from {{ ref('int_mql_sla_clocks') }}),

leads as (select * from {{ ref('stg_leads') }}),

reason_mapping as (select * from {{ ref('mql_outcome_reason_mapping') }}),

negative_entries as (
    select
        mql_entries.mql_entry_id,
        mql_entries.lead_id,
        mql_entries.mql_entered_at,
        mql_entries.mql_entry_number,
        mql_entries.decision_stage,
        mql_entries.decided_at,
        mql_entries.decided_by,
        mql_stage_entries.entry_sequence as mql_entry_sequence
    from mql_entries
    inner join stage_entries as mql_stage_entries
        on mql_entries.mql_entry_id = mql_stage_entries.stage_entry_id
    where mql_entries.decision = 'rejected'
),

-- The deciding stage entry, found again: int_mql_entries keeps its stage and instant, not
-- its id. It is the first entry after the MQL entry with that stage at that instant: every
-- such entry carries a decision (the stage decides it), and int_mql_entries took the first.
deciding_entries as (
    select
        negative_entries.mql_entry_id,
        stage_entries.entry_sequence as decision_entry_sequence,
        stage_entries.reason,
        row_number() over (
            partition by negative_entries.mql_entry_id
            order by stage_entries.entry_sequence
        ) as entry_rank
    from negative_entries
    inner join stage_entries
        on negative_entries.lead_id = stage_entries.lead_id
            and negative_entries.decision_stage = stage_entries.stage
            and negative_entries.decided_at = stage_entries.entered_at
            and negative_entries.mql_entry_sequence < stage_entries.entry_sequence
),

decisions as (
    select
        negative_entries.*,
        deciding_entries.decision_entry_sequence,
        deciding_entries.reason
    from negative_entries
    inner join deciding_entries
        on negative_entries.mql_entry_id = deciding_entries.mql_entry_id
            and deciding_entries.entry_rank = 1
),

-- the lead's first MQL entry after the deciding entry (in the lead's entry order)
re_mqls as (
    select
        decisions.mql_entry_id,
        min(stage_entries.entered_at) as re_mql_at
    from decisions
    inner join stage_entries
        on decisions.lead_id = stage_entries.lead_id
            and decisions.decision_entry_sequence < stage_entries.entry_sequence
    where stage_entries.stage = 'mql'
    group by decisions.mql_entry_id
),

-- reached SQL after the re-MQL: entered sql or a later funnel stage at or after the
-- re-entry (the rule of MQL efficiency in mart_mql_monthly)
sql_after_re_mql as (
    select
        re_mqls.mql_entry_id,
        min(stage_entries.entered_at) as sql_after_re_mql_at
    from re_mqls
    inner join decisions
        on re_mqls.mql_entry_id = decisions.mql_entry_id
    inner join stage_entries
        on decisions.lead_id = stage_entries.lead_id
            and re_mqls.re_mql_at <= stage_entries.entered_at
    where stage_entries.stage in ({{ funnel_stages_from('sql') }})
    group by re_mqls.mql_entry_id
),

-- labels as reasons are compared: case, punctuation and runs of spaces ignored
labels as (
    select
        {{ normalize_match_text('reason_label') }} as reason_key,
        min(reason_group) as reason_group
    from reason_mapping
    group by {{ normalize_match_text('reason_label') }}
),

final as (
    select
        -- ids
        decisions.mql_entry_id,
        decisions.lead_id,
        decisions.mql_entry_number,

        -- the MQL entry and its negative decision
        decisions.mql_entered_at,
        decisions.decision_stage as outcome,
        decisions.decided_at,
        cast({{ dbt.date_trunc('month', 'decisions.decided_at') }} as date) as decision_month,
        decisions.decided_by,
        sla_clocks.owner_id,
        leads.lead_source,

        -- the reason: written text, and its group
        decisions.reason,
        case
            -- blank, or punctuation only ("-", "n/a" is a written reason): none given
            when {{ normalize_match_text('decisions.reason') }} is null then 'no_reason_given'
            when labels.reason_group is null then 'other'
            else labels.reason_group
        end as reason_group,

        -- what followed
        re_mqls.re_mql_at,
        re_mqls.re_mql_at is not null as is_re_mql,
        sql_after_re_mql.sql_after_re_mql_at,
        sql_after_re_mql.sql_after_re_mql_at is not null as reached_sql_after_re_mql
    from decisions
    left join sla_clocks
        on decisions.mql_entry_id = sla_clocks.mql_entry_id
    left join leads
        on decisions.lead_id = leads.lead_id
    left join labels
        on {{ normalize_match_text('decisions.reason') }} = labels.reason_key
    left join re_mqls
        on decisions.mql_entry_id = re_mqls.mql_entry_id
    left join sql_after_re_mql
        on decisions.mql_entry_id = sql_after_re_mql.mql_entry_id
)

select * from final
