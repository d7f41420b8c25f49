-- the calibration marts count every lead whose horizon has passed, once: the bands add up to
-- the calibrated leads, and so does the threshold curve's population
with

horizon as (
    select
        count(*) as horizon_leads,
        coalesce(sum(case when reached_sql then 1 else 0 end), 0) as horizon_sql_leads
    from {{ ref('int_leads_scored_at_horizon') }}
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
        max(leads_at_or_above) as max_leads_at_or_above,
        max(sql_leads) as curve_sql_leads
    from {{ ref('mart_mql_threshold_curve') }}
),

final as (
    select
        horizon.horizon_leads,
        horizon.horizon_sql_leads,
        calibration.band_leads,
        calibration.band_sql_leads,
        curve.min_curve_leads,
        curve.max_curve_leads,
        curve.max_leads_at_or_above,
        curve.curve_sql_leads
    from horizon
    cross join calibration
    cross join curve
)

select * from final
where band_leads != horizon_leads
    or band_sql_leads != horizon_sql_leads
    or min_curve_leads != horizon_leads
    or max_curve_leads != horizon_leads
    or max_leads_at_or_above != horizon_leads
    or coalesce(curve_sql_leads, 0) != horizon_sql_leads
