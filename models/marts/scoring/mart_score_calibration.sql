-- one row per score band (width: var calibration_band_width): how often leads whose score,
-- measured calibration_horizon_days after creation, fell in the band went on to become SQL
-- after that moment. Mature leads only (int_lead_score_backtest: created at least
-- backtest_outcome_window_days before as_of) whose horizon has passed, and not those already
-- SQL at their horizon: an outcome before the scoring moment is not a prediction.
{%- set band_width = var('calibration_band_width', 25) | int %}
with

horizon_scores as (
    select *
    from {{ ref('int_lead_score_backtest') }}
    where lead_score_at_horizon is not null
        and not is_sql_at_horizon
),

banded as (
    select
        lead_id,
        lead_score_at_horizon,
        reached_sql_after_horizon,
        cast(floor(lead_score_at_horizon / {{ band_width }}) * {{ band_width }} as {{ dbt.type_int() }}) as band_min
    from horizon_scores
),

bands as (
    select
        band_min,
        count(*) as leads,
        count(case when reached_sql_after_horizon then 1 end) as reached_sql,
        -- an exact decimal mean: a mean of doubles depends on the order rows are summed in
        cast(avg(cast(lead_score_at_horizon as decimal(30, 9))) as {{ type_double() }}) as avg_lead_score_at_horizon
    from banded
    group by band_min
),

final as (
    select
        {{ dbt.concat([
            "cast(band_min as " ~ dbt.type_string() ~ ")",
            "'-'",
            "cast(band_min + " ~ band_width ~ " as " ~ dbt.type_string() ~ ")",
        ]) }} as score_band,
        band_min,
        band_min + {{ band_width }} as band_max,
        leads,
        reached_sql,
        {{ safe_ratio('reached_sql', 'leads') }} as sql_rate,
        {{ wilson_lower('reached_sql', 'leads') }} as sql_rate_ci_lower,
        {{ wilson_upper('reached_sql', 'leads') }} as sql_rate_ci_upper,
        {{ safe_ratio('leads', 'sum(leads) over ()') }} as share_of_leads,
        {{ round_to('avg_lead_score_at_horizon', 2) }} as avg_lead_score_at_horizon
    from bands
)

select * from final
