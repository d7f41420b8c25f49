-- one row per valid activity of the source (typed, deduplicated); whether its lead exists
-- is checked in int_activities_lead_checked
-- a view: a filter (and a join) that is cheaper to recompute where it is read than to
-- write every activity to disk once more
{{ config(materialized='view') }}
with

triaged as (select * from {{ ref('stg_activities_triaged') }}),

final as (
    select
        -- ids
        activity_id,
        lead_id,
        owner_id,

        -- strings
        activity_type,
        campaign,
        detail,

        -- numerics
        duration_seconds,

        -- timestamps
        occurred_at,

        -- incremental bookkeeping
        written_by_run_id
    from triaged
    where reject_reason is null
)

select * from final
