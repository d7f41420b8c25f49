-- one row per candidate MQL threshold: had leads been MQLs when their score (measured
-- calibration_horizon_days after creation) was at or above it, how precise and complete
-- would that have been at finding the leads that reached SQL. Candidates: a grid over the
-- observed scores (var mql_threshold_curve_step, widened to at most 1000 steps) plus the
-- current mql_threshold.
{%- set step = var('mql_threshold_curve_step', 5) %}
{%- set max_steps = 1000 %}
{%- set threshold = var('mql_threshold', 100) %}
with

horizon_scores as (select * from {{ ref('int_leads_scored_at_horizon') }}),
steps as ({{ dbt.generate_series(max_steps + 1) }}),

totals as (
    select
        count(*) as leads,
        sum(case when reached_sql then 1 else 0 end) as sql_leads,
        min(lead_score_at_horizon) as min_score,
        max(lead_score_at_horizon) as max_score
    from horizon_scores
),

grid_spec as (
    select
        grid_step,
        floor(min_score / grid_step) * grid_step as grid_start,
        floor(max_score / grid_step) * grid_step as grid_end
    from (
        select
            min_score,
            max_score,
            {{ step }} * greatest(1, ceiling((max_score - min_score) / ({{ step }} * {{ max_steps }}))) as grid_step
        from totals
        where leads > 0
    ) as spec
),

grid as (
    select grid_spec.grid_start + (steps.generated_number - 1) * grid_spec.grid_step as threshold
    from grid_spec
    cross join steps
    where grid_spec.grid_start + (steps.generated_number - 1) * grid_spec.grid_step <= grid_spec.grid_end
),

-- leads per grid step (a lead is at or above a grid threshold iff its step is), counted
-- downwards from the top
step_counts as (
    select
        floor(horizon_scores.lead_score_at_horizon / grid_spec.grid_step) * grid_spec.grid_step as threshold,
        count(*) as leads,
        sum(case when horizon_scores.reached_sql then 1 else 0 end) as sql_leads
    from horizon_scores
    cross join grid_spec
    group by floor(horizon_scores.lead_score_at_horizon / grid_spec.grid_step) * grid_spec.grid_step
),

grid_counts as (
    select
        grid.threshold,
        sum(coalesce(step_counts.leads, 0)) over (
            order by grid.threshold desc
            rows between unbounded preceding and current row
        ) as leads_at_or_above,
        sum(coalesce(step_counts.sql_leads, 0)) over (
            order by grid.threshold desc
            rows between unbounded preceding and current row
        ) as sql_leads_at_or_above
    from grid
    left join step_counts
        on grid.threshold = step_counts.threshold
),

-- the current threshold, counted exactly (it need not lie on the grid)
current_threshold as (
    select
        cast({{ threshold }} as {{ type_double() }}) as threshold,
        sum(case when lead_score_at_horizon >= {{ threshold }} then 1 else 0 end) as leads_at_or_above,
        sum(
            case when lead_score_at_horizon >= {{ threshold }} and reached_sql then 1 else 0 end
        ) as sql_leads_at_or_above
    from horizon_scores
),

candidates as (
    select
        cast(threshold as {{ type_double() }}) as threshold,
        leads_at_or_above,
        sql_leads_at_or_above
    from grid_counts
    where threshold != {{ threshold }}
    union all
    select
        threshold,
        coalesce(leads_at_or_above, 0) as leads_at_or_above,
        coalesce(sql_leads_at_or_above, 0) as sql_leads_at_or_above
    from current_threshold
),

final as (
    select
        candidates.threshold,
        candidates.threshold = {{ threshold }} as is_current_threshold,
        totals.leads,
        totals.sql_leads,
        candidates.leads_at_or_above,
        candidates.sql_leads_at_or_above,
        {{ safe_ratio('candidates.leads_at_or_above', 'totals.leads') }} as share_at_or_above,
        {{ safe_ratio('candidates.sql_leads_at_or_above', 'candidates.leads_at_or_above') }} as precision,
        {{ safe_ratio('candidates.sql_leads_at_or_above', 'totals.sql_leads') }} as recall,
        {{ safe_ratio('totals.sql_leads', 'totals.leads') }} as base_rate,
        {{ safe_ratio(
            safe_ratio('candidates.sql_leads_at_or_above', 'candidates.leads_at_or_above'),
            safe_ratio('totals.sql_leads', 'totals.leads')) }} as lift
    from candidates
    cross join totals
)

select * from final
