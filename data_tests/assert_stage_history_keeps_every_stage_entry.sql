-- no fan-out, no loss: the stage history has exactly the stage entries of
-- int_lead_stage_entries (one row each)
with

stage_entries as (select stage_entry_id from {{ ref('int_lead_stage_entries') }}),

stage_history as (select stage_entry_id from {{ ref('fct_lead_stage_history') }}),

counts as (
    select
        (select count(*) from stage_entries) as stage_entries,
        (select count(*) from stage_history) as history_rows,
        (
            select count(*)
            from stage_entries
            inner join stage_history
                on stage_entries.stage_entry_id = stage_history.stage_entry_id
        ) as matched_rows
)

select *
from counts
where history_rows != stage_entries
    or matched_rows != stage_entries
