-- one row per stage entry of a valid lead, in order: every valid stage change plus the
-- implicit `lead` entry at created_at (added unless the lead's history already starts with
-- a `lead` entry or starts before the lead was created). Incremental per lead
-- (macros/incremental.sql): only leads whose inputs changed are rebuilt.
{{ config(
    materialized=lead_incremental_materialization(),
    incremental_strategy='append',
    pre_hook="{{ delete_changed_leads('stage_input_fingerprint') }}",
) }}
with

leads_to_build as ({{ leads_to_build('stage_input_fingerprint') }}),
valid_leads as (select * from {{ ref('stg_leads') }}),
lead_stage_changes as (select * from {{ ref('int_stage_changes_lead_checked') }} where has_known_lead),
stages as (select * from {{ ref('stages') }}),

leads as (
    select
        valid_leads.*,
        leads_to_build.lead_input_fingerprint
    from valid_leads
    {{ leads_to_build_join() }} leads_to_build
        on valid_leads.lead_id = leads_to_build.lead_id
),

stage_changes as (
    select lead_stage_changes.*
    from lead_stage_changes
    {{ leads_to_build_join() }} leads_to_build  -- noqa: ST11
        on lead_stage_changes.lead_id = leads_to_build.lead_id
),

first_changes as (
    select
        lead_id,
        changed_at as first_changed_at,
        stage as first_stage
    from (
        select
            lead_id,
            changed_at,
            stage,
            row_number() over (
                partition by lead_id
                order by changed_at, change_id
            ) as change_rank
        from stage_changes
    ) as ranked_changes
    where change_rank = 1
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
        or (first_changes.first_stage != 'lead' and first_changes.first_changed_at >= leads.created_at)
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

final as (
    select
        {{ dbt.concat(["entries.lead_id", "'|'", "coalesce(entries.change_id, 'created')"]) }} as stage_entry_id,
        entries.lead_id,
        entries.change_id,
        entries.stage,
        stages.stage_order,
        stages.stage_group,
        stages.sla_decision,
        entries.entered_at,
        entries.owner_id,
        entries.reason,
        entries.amount,
        entries.is_from_history,
        -- the entry's position in the lead's history; ties in time follow the funnel order
        -- (nulls last spelled out: Spark sorts nulls first by default)
        row_number() over (
            partition by entries.lead_id
            order by entries.entered_at, coalesce(stages.stage_order, 99), entries.change_id nulls last
        ) as entry_sequence,
        leads.lead_input_fingerprint
    from entries
    inner join stages
        on entries.stage = stages.stage
    inner join leads
        on entries.lead_id = leads.lead_id
)

select * from final
