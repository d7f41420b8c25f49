-- one row per from_stage x to_stage x cohort_month (month the lead was created): the
-- transitions between consecutive stage entries of the cohort's leads and the days they took
-- (totals over all cohorts: mart_stage_velocity_overall)
with

velocity as (select * from {{ ref('int_stage_velocity_rolled_up') }} where not is_all_cohorts),

final as (
    select
        -- grain
        from_stage,
        to_stage,
        cohort_month,

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
