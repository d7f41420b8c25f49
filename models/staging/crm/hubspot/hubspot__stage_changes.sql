-- one row per HubSpot stage change passed on: the raw `stage_changes` table (raw contract
-- columns, as text, plus landing_file naming the source table), built from the stage change
-- rows that are not left out (stg_hubspot__stage_change_rows)
with

stage_change_rows as (select * from {{ ref('stg_hubspot__stage_change_rows') }}),

final as (
    select
        change_id,
        lead_id,
        stage,
        changed_at,
        owner_id,
        reason,
        amount,
        landing_file
    from stage_change_rows
    where exclusion_reason is null
)

select * from final
