-- no fan-out, no loss: the stage history has exactly the stage entries of
-- int_lead_stage_entries (one row each). The totals are compared in every run; entry by entry
-- the entries this run wrote: every entry in a full refresh or `dbt test`
-- (macros/run/written_this_run.sql).
with

stage_entries as (select * from {{ ref('int_lead_stage_entries') }}),

stage_history as (select * from {{ ref('fct_lead_stage_history') }}),

written_entries as (
    select * from {{ ref('int_lead_stage_entries') }} where {{ written_this_run('int_lead_stage_entries') }}
),

counts as (
    select
        (select count(*) from stage_entries) as stage_entries,
        (select count(*) from stage_history) as history_rows,
        (select count(*) from written_entries) as written_entries,
        (
            select count(*)
            from written_entries
            inner join stage_history
                on written_entries.stage_entry_id = stage_history.stage_entry_id
        ) as matched_rows
)

select *
from counts
where history_rows != stage_entries
    or matched_rows != written_entries
