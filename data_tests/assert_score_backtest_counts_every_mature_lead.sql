-- the backtest marts count every mature lead once: the threshold curve's population is the
-- mature leads of int_lead_score_backtest on every row (routed leads never more), and the
-- calibration bands add up to the mature leads with a horizon score that were not yet SQL
-- at it, their outcomes to those that became SQL after it
with

backtest as (
    select
        count(*) as mature_leads,
        count(case when reached_sql then 1 end) as mature_sql_leads,
        count(case when lead_score_at_horizon is not null and not is_sql_at_horizon then 1 end) as calibrated_leads,
        count(case when lead_score_at_horizon is not null and reached_sql_after_horizon then 1 end)
            as calibrated_sql_leads
    from {{ ref('int_lead_score_backtest') }}
),

calibration as (
    select
        coalesce(sum(leads), 0) as band_leads,
        coalesce(sum(reached_sql), 0) as band_sql_leads
    from {{ ref('mart_score_calibration') }}
),

curve as (
    select
        min(leads) as min_curve_leads,
        max(leads) as max_curve_leads,
        max(routed_leads) as max_routed_leads,
        max(sql_leads) as curve_sql_leads
    from {{ ref('mart_mql_threshold_curve') }}
),

final as (
    select
        backtest.mature_leads,
        backtest.mature_sql_leads,
        backtest.calibrated_leads,
        backtest.calibrated_sql_leads,
        calibration.band_leads,
        calibration.band_sql_leads,
        curve.min_curve_leads,
        curve.max_curve_leads,
        curve.max_routed_leads,
        curve.curve_sql_leads
    from backtest
    cross join calibration
    cross join curve
)

select * from final
where band_leads != calibrated_leads
    or band_sql_leads != calibrated_sql_leads
    or min_curve_leads != mature_leads
    or max_curve_leads != mature_leads
    or max_routed_leads > mature_leads
    or coalesce(curve_sql_leads, 0) != mature_sql_leads
