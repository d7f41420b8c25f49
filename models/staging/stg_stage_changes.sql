-- one row per valid stage change of the source (typed, stage mapped, deduplicated); whether
-- its lead exists is checked in int_stage_changes_lead_checked
with

triaged as (select * from {{ ref('stg_stage_changes_triaged') }}),

final as (
    select
        -- ids
        change_id,
        lead_id,
        owner_id,

        -- strings
        stage,
        stage_label,
        reason,

        -- numerics
        amount,

        -- timestamps
        changed_at
    from triaged
    where reject_reason is null
)

select * from final
