-- per lead, the stage intervals [entered_at, exited_at) tile the history: no two entries of
-- a lead overlap in time (checked pairwise, independently of how exited_at is computed), and
-- each entry ends exactly when the lead's next entry starts. The current entry runs to as_of.
-- Checked on the leads whose stage entries this run wrote (a lead's entries are written
-- together); every lead in a full refresh or `dbt test` (macros/run/written_this_run.sql).
with

stage_history as (select * from {{ ref('fct_lead_stage_history') }}),

as_of as (select as_of_at from {{ ref('run_as_of') }}),

intervals as (
    select
        stage_history.lead_id,
        stage_history.stage_entry_id,
        stage_history.entry_sequence,
        stage_history.entered_at,
        coalesce(stage_history.exited_at, as_of.as_of_at) as ended_at
    from stage_history
    cross join as_of
    where {{ lead_written_this_run('int_lead_stage_entries', 'stage_history.lead_id') }}
),

overlapping_entries as (
    select
        earlier.lead_id,
        earlier.stage_entry_id,
        later.stage_entry_id as other_entry_id,
        'overlap' as problem
    from intervals as earlier
    inner join intervals as later
        on earlier.lead_id = later.lead_id
            and earlier.entry_sequence < later.entry_sequence
    where later.entered_at < earlier.ended_at
        and earlier.entered_at < later.ended_at
),

gapped_entries as (
    select
        earlier.lead_id,
        earlier.stage_entry_id,
        later.stage_entry_id as other_entry_id,
        'gap' as problem
    from intervals as earlier
    inner join intervals as later
        on earlier.lead_id = later.lead_id
            and earlier.entry_sequence + 1 = later.entry_sequence
    where earlier.ended_at != later.entered_at
)

select * from overlapping_entries
union all
select * from gapped_entries
