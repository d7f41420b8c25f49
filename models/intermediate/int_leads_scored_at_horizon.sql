-- one row per valid lead whose calibration horizon (created_at + calibration_horizon_days)
-- is not after as_of: the lead score it had at that moment (only activities up to then,
-- decayed to then; see int_lead_score_timeline) and whether it reached SQL (by as_of).
-- Later behaviour cannot leak into the score, so the backtest is honest.
with

timeline as (select * from {{ ref('int_lead_score_timeline') }} where moment_type = 'calibration_horizon'),
stages_reached as (select * from {{ ref('int_lead_stages_reached') }}),

final as (
    select
        timeline.lead_id,
        timeline.moment_at as horizon_at,
        timeline.profile_score as profile_score_at_horizon,
        timeline.engagement_score_at as engagement_score_at_horizon,
        timeline.lead_score_at as lead_score_at_horizon,
        stages_reached.reached_sql,
        stages_reached.first_sql_at
    from timeline
    inner join stages_reached
        on timeline.lead_id = stages_reached.lead_id
)

select * from final
