-- one row per valid qualification record of the source (typed, criterion known,
-- deduplicated); whether its lead exists is checked in int_qualifications_lead_checked
with

triaged as (select * from {{ ref('stg_qualifications_triaged') }}),

final as (
    select
        -- ids
        qualification_id,
        lead_id,
        owner_id,

        -- strings
        criterion,
        value,

        -- timestamps
        recorded_at
    from triaged
    where reject_reason is null
)

select * from final
