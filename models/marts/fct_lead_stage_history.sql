-- one row per stage entry of a valid lead (the implicit `lead` entry at creation included):
-- when it was entered and left, what came next, how long it lasted, and whether it was a
-- re-entry, a skip or a recycled entry. Backward moves and re-entries are kept as they are.
-- A view: the entries and their intervals are stored once, incrementally, in
-- int_lead_stage_entries; this is the contract's shape of them (free text scrubbed), with
-- the time in stage, which for the current entry runs up to this run's as_of.
{{ config(materialized='view') }}
with

stage_entries as (select * from {{ ref('int_lead_stage_entries') }}),

as_of as (select as_of_at from {{ ref('stg_as_of') }}),

final as (
    select
        -- ids
        stage_entry_id,
        lead_id,
        change_id,
        owner_id,

        -- stage
        stage,
        stage_order,
        stage_group,
        next_stage,
        entry_sequence,
        entry_number,

        -- timestamps and duration
        entered_at,
        exited_at,
        {{ hours_in_stage('stage_entries.entered_at', 'stage_entries.exited_at', 'as_of.as_of_at') }} as hours_in_stage,

        -- flags
        is_current,
        is_skip,
        is_recycled,
        is_from_history,

        -- details from the source
        {{ scrub_contacts('reason') }} as reason,
        amount,

        -- incremental bookkeeping
        lead_input_fingerprint
    from stage_entries
    cross join as_of
)

select * from final
