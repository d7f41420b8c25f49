-- one row per stage entry of a valid lead, in order: every valid stage change plus the
-- implicit `lead` entry at created_at (added unless the lead's history starts with a `lead`
-- entry or starts before the lead was created), with its interval: when it was left (the
-- lead's next entry), what came next, and whether it was the current entry, a re-entry, a
-- skip or a recycled entry. The one store of stage entries: fct_lead_stage_history is a
-- view of it, which adds the time in stage (up to as_of for the current entry). Nothing
-- here depends on as_of, so the model is incremental per lead (macros/materializations/incremental.sql):
-- only leads whose inputs changed are rebuilt.
{{ lead_partitioned_config('stage_input_fingerprint') }}
{#- the order of a lead's entries (sequenced_entries) -#}
{%- set entry_order -%}
    partition by staged.lead_id
            order by
                staged.entered_at,
                case
                    when staged.stage_group = 'funnel' then 1
                    when instants.instant_min_stage_order <= instants.prior_max_stage_order then 0
                    else 2
                end,
                coalesce(staged.stage_order, 99),
                staged.change_id nulls last
{%- endset %}
with

leads_to_build as ({{ leads_to_build('stage_input_fingerprint') }}),
valid_leads as (select * from {{ ref('stg_leads') }}),
lead_stage_changes as (select * from {{ ref('int_stage_changes_lead_checked') }} where has_known_lead),
stages as (select * from {{ ref('stages') }}),

leads as ({{ rows_of_leads_to_build('valid_leads', with_fingerprint=true) }}),

stage_changes as ({{ rows_of_leads_to_build('lead_stage_changes') }}),

-- the instant a lead's history starts, and whether a `lead` entry is among its changes then
history_starts as (
    select
        lead_id,
        min(changed_at) as first_changed_at
    from stage_changes
    group by lead_id
),

first_changes as (
    select
        history_starts.lead_id,
        history_starts.first_changed_at,
        max(case when stage_changes.stage = 'lead' then 1 else 0 end) = 1 as starts_with_lead
    from history_starts
    inner join stage_changes
        on history_starts.lead_id = stage_changes.lead_id
            and history_starts.first_changed_at = stage_changes.changed_at
    group by history_starts.lead_id, history_starts.first_changed_at
),

implicit_lead_entries as (
    select
        leads.lead_id,
        cast(null as {{ dbt.type_string() }}) as change_id,
        'lead' as stage,
        leads.created_at as entered_at,
        leads.owner_id,
        cast(null as {{ dbt.type_string() }}) as reason,
        cast(null as {{ dbt.type_numeric() }}) as amount,
        false as is_from_history
    from leads
    left join first_changes
        on leads.lead_id = first_changes.lead_id
    where first_changes.lead_id is null
        or (not first_changes.starts_with_lead and first_changes.first_changed_at >= leads.created_at)
),

history_entries as (
    select
        lead_id,
        change_id,
        stage,
        changed_at as entered_at,
        owner_id,
        reason,
        amount,
        true as is_from_history
    from stage_changes
),

entries as (
    select * from implicit_lead_entries
    union all
    select * from history_entries
),

staged_entries as (
    select
        entries.*,
        stages.stage_order,
        stages.stage_group,
        stages.sla_decision,
        leads.lead_input_fingerprint
    from entries
    inner join stages
        on entries.stage = stages.stage
    inner join leads
        on entries.lead_id = leads.lead_id
),

-- Entries at the same instant: funnel stages in funnel order; an outcome (rejected,
-- recycled, disqualified, lost) closes what came before it. It goes after the instant's
-- funnel entries when they move the lead forward (MQL and rejected at once: MQL, then
-- rejected; opportunity and lost: opportunity, then lost), and before them when one of them
-- re-enters a stage the lead had already reached (recycled and MQL again at once: recycled,
-- then MQL).
instants as (
    select
        lead_id,
        entered_at,
        max(stage_order) as instant_max_stage_order,
        min(stage_order) as instant_min_stage_order
    from staged_entries
    group by lead_id, entered_at
),

instants_after_history as (
    select
        lead_id,
        entered_at,
        instant_min_stage_order,
        -- the highest funnel stage reached at earlier instants (0 before the first)
        coalesce(max(instant_max_stage_order) over (
            partition by lead_id
            order by entered_at
            rows between unbounded preceding and 1 preceding
        ), 0) as prior_max_stage_order
    from instants
),

sequenced_entries as (
    select
        {{ dbt.concat(["staged.lead_id", "'|'", "coalesce(staged.change_id, 'created')"]) }} as stage_entry_id,
        staged.lead_id,
        staged.change_id,
        staged.stage,
        staged.stage_order,
        staged.stage_group,
        staged.sla_decision,
        staged.entered_at,
        staged.owner_id,
        staged.reason,
        staged.amount,
        staged.is_from_history,
        -- the entry's position in the lead's history (nulls last spelled out: Spark sorts
        -- nulls first by default); the order is unique within a lead (one entry without a
        -- change_id), so the windows below, over the same order, are one sort
        row_number() over ({{ entry_order }}) as entry_sequence,
        lead(staged.entered_at) over ({{ entry_order }}) as exited_at,
        lead(staged.stage) over ({{ entry_order }}) as next_stage,
        -- the highest funnel stage entered before this entry (0 before the first)
        coalesce(max(staged.stage_order) over (
            {{ entry_order }}
            rows between unbounded preceding and 1 preceding
        ), 0) as prior_max_stage_order,
        -- recycled / rejected entries before this entry (sales sent the lead back)
        count(case when staged.stage in ('recycled', 'rejected') then 1 end) over (
            {{ entry_order }}
            rows between unbounded preceding and 1 preceding
        ) as prior_recycling_entries,
        staged.lead_input_fingerprint
    from staged_entries as staged
    inner join instants_after_history as instants
        on staged.lead_id = instants.lead_id
            and staged.entered_at = instants.entered_at
),

-- the entry's number among the lead's entries of its stage, and the recycled / rejected
-- entries between the previous entry of the same stage and this one (one sort)
recycling_checked as (
    select
        sequenced_entries.*,
        row_number() over (
            partition by sequenced_entries.lead_id, sequenced_entries.stage
            order by sequenced_entries.entry_sequence
        ) as entry_number,
        sequenced_entries.prior_recycling_entries - lag(sequenced_entries.prior_recycling_entries) over (
            partition by sequenced_entries.lead_id, sequenced_entries.stage
            order by sequenced_entries.entry_sequence
        ) as recycling_entries_since_previous_entry
    from sequenced_entries
),

final as (
    select
        entries.stage_entry_id,
        entries.lead_id,
        entries.change_id,
        entries.stage,
        entries.stage_order,
        entries.stage_group,
        entries.sla_decision,
        entries.entered_at,
        entries.owner_id,
        entries.reason,
        entries.amount,
        entries.is_from_history,
        entries.entry_sequence,
        entries.next_stage,
        entries.entry_number,
        entries.exited_at,
        entries.exited_at is null as is_current,
        coalesce(entries.stage_order > entries.prior_max_stage_order + 1, false) as is_skip,
        -- a re-entry (entry_number > 1) that sales' recycling or rejection caused
        coalesce(
            entries.stage_group = 'funnel' and entries.recycling_entries_since_previous_entry > 0,
            false
        ) as is_recycled,
        entries.lead_input_fingerprint,
        {{ written_by_run_id() }} as written_by_run_id
    from recycling_checked as entries
)

select * from final
