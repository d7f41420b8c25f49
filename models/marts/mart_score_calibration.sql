-- one row per score band (width: var calibration_band_width): how often leads whose score,
-- measured calibration_horizon_days after creation, fell in the band went on to reach SQL.
-- Only leads whose horizon has passed (created_at + horizon <= as_of) are counted.
{%- set band_width = var('calibration_band_width', 25) | int %}
with

horizon_scores as (select * from {{ ref('int_leads_scored_at_horizon') }}),

banded as (
    select
        lead_id,
        lead_score_at_horizon,
        reached_sql,
        cast(floor(lead_score_at_horizon / {{ band_width }}) * {{ band_width }} as {{ dbt.type_int() }}) as band_min
    from horizon_scores
),

bands as (
    select
        band_min,
        count(*) as leads,
        count(case when reached_sql then 1 end) as reached_sql,
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
        {{ safe_ratio('leads', 'sum(leads) over ()') }} as share_of_leads,
        {{ round_to('avg_lead_score_at_horizon', 2) }} as avg_lead_score_at_horizon
    from bands
)

select * from final
