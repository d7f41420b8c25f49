-- one row per stage entry of a valid lead (the implicit `lead` entry at creation included):
-- when it was entered and left, what came next, how long it lasted, and whether it was a
-- re-entry, a skip or a recycled entry. Backward moves and re-entries are kept as they are.
-- A view (a table on Spark: store_view_materialization): the entries and their intervals
-- are stored once, incrementally, in int_lead_stage_entries; this is the contract's shape of
-- them (free text scrubbed), with the time in stage, which for the current entry runs up to
-- this run's as_of.
{{ config(materialized=store_view_materialization()) }}
with

stage_entries as (select * from {{ ref('int_lead_stage_entries') }}),

as_of as (select as_of_at from {{ ref('run_as_of') }}),

final as (
    select
        -- ids
        stage_entries.stage_entry_id,
        stage_entries.lead_id,
        stage_entries.change_id,
        stage_entries.owner_id,

        -- stage
        stage_entries.stage,
        stage_entries.stage_order,
        stage_entries.stage_group,
        stage_entries.next_stage,
        stage_entries.entry_sequence,
        stage_entries.entry_number,

        -- timestamps and duration
        stage_entries.entered_at,
        stage_entries.exited_at,
        {{ hours_in_stage('stage_entries.entered_at', 'stage_entries.exited_at', 'as_of.as_of_at') }} as hours_in_stage,

        -- flags
        stage_entries.is_current,
        stage_entries.is_skip,
        stage_entries.is_recycled,
        stage_entries.is_from_history,

        -- details from the source
        {{ scrub_contacts('stage_entries.reason') }} as reason,
        stage_entries.amount,

        -- incremental bookkeeping
        stage_entries.lead_input_fingerprint
    from stage_entries
    cross join as_of
)

select * from final
