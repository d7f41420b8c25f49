-- one row per stage entry of a valid lead (the implicit `lead` entry at creation included):
-- when it was entered and left, what came next, how long it lasted, and whether it was a
-- re-entry, a skip or a recycled entry. Backward moves and re-entries are kept as they are.
-- Incremental per lead (macros/materializations/incremental.sql): only leads whose inputs
-- changed are rebuilt; the post-hook measures every lead's open (current) entry up to this
-- run's as_of.
{{ config(
    materialized=lead_incremental_materialization(),
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook="{{ delete_changed_leads('stage_input_fingerprint') }}",
    post_hook="{{ remeasure_open_stage_entries() }}",
) }}
-- depends_on: {{ ref('int_lead_input_fingerprints') }}
with

{%- if is_incremental() %}
leads_to_build as ({{ leads_to_build('stage_input_fingerprint') }}),
{%- endif %}
lead_stage_entries as (select * from {{ ref('int_lead_stage_entries') }}),

as_of as (select as_of_at from {{ ref('run_as_of') }}),

stage_entries as (
    select lead_stage_entries.*
    from lead_stage_entries
    {%- if is_incremental() %}
    inner join leads_to_build
        on lead_stage_entries.lead_id = leads_to_build.lead_id
    {%- endif %}
),

sequenced as (
    select
        stage_entries.*,
        lead(stage_entries.entered_at) over (
            partition by stage_entries.lead_id
            order by stage_entries.entry_sequence
        ) as exited_at,
        lead(stage_entries.stage) over (
            partition by stage_entries.lead_id
            order by stage_entries.entry_sequence
        ) as next_stage,
        row_number() over (
            partition by stage_entries.lead_id, stage_entries.stage
            order by stage_entries.entry_sequence
        ) as entry_number,
        -- the highest funnel stage entered before this entry (0 before the first)
        coalesce(max(stage_entries.stage_order) over (
            partition by stage_entries.lead_id
            order by stage_entries.entry_sequence
            rows between unbounded preceding and 1 preceding
        ), 0) as prior_max_stage_order,
        -- recycled / rejected entries before this entry (sales sent the lead back)
        count(case when stage_entries.stage in ('recycled', 'rejected') then 1 end) over (
            partition by stage_entries.lead_id
            order by stage_entries.entry_sequence
            rows between unbounded preceding and 1 preceding
        ) as prior_recycling_entries
    from stage_entries
),

-- recycled / rejected entries between the previous entry of the same stage and this one
recycling_checked as (
    select
        sequenced.*,
        sequenced.prior_recycling_entries - lag(sequenced.prior_recycling_entries) over (
            partition by sequenced.lead_id, sequenced.stage
            order by sequenced.entry_sequence
        ) as recycling_entries_since_previous_entry
    from sequenced
),

final as (
    select
        -- ids
        sequenced.stage_entry_id,
        sequenced.lead_id,
        sequenced.change_id,
        sequenced.owner_id,

        -- stage
        sequenced.stage,
        sequenced.stage_order,
        sequenced.stage_group,
        sequenced.next_stage,
        sequenced.entry_sequence,
        sequenced.entry_number,

        -- timestamps and duration
        sequenced.entered_at,
        sequenced.exited_at,
        {{ hours_in_stage('sequenced.entered_at', 'sequenced.exited_at', 'as_of.as_of_at') }} as hours_in_stage,

        -- flags
        sequenced.exited_at is null as is_current,
        coalesce(sequenced.stage_order > sequenced.prior_max_stage_order + 1, false) as is_skip,
        -- a re-entry (entry_number > 1) that sales' recycling or rejection caused
        coalesce(
            sequenced.stage_group = 'funnel' and sequenced.recycling_entries_since_previous_entry > 0,
            false
        ) as is_recycled,
        sequenced.is_from_history,

        -- details from the source
        {{ scrub_contacts('sequenced.reason') }} as reason,
        sequenced.amount,

        -- incremental bookkeeping
        sequenced.lead_input_fingerprint
    from recycling_checked as sequenced
    cross join as_of
)

select * from final
