-- one row per from_stage x to_stage over all cohorts: the transitions between consecutive
-- stage entries of every lead and the days they took (by cohort: mart_stage_velocity)
with

velocity as (select * from {{ ref('int_stage_velocity_rolled_up') }} where is_all_cohorts),

final as (
    select
        -- grain
        from_stage,
        to_stage,

        -- the move
        from_stage_order,
        to_stage_order,
        direction,

        -- volume and time
        transitions,
        leads,
        avg_days,
        median_days,
        p90_days
    from velocity
)

select * from final
