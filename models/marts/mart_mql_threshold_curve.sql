-- one row per candidate MQL threshold: had leads been MQLs when their score (measured
-- calibration_horizon_days after creation) was at or above it, how precise and complete
-- would that have been at finding the leads that reached SQL. Candidates: a grid over the
-- observed scores (var mql_threshold_curve_step, widened to at most 1000 steps) plus the
-- current mql_threshold.
{%- set step = var('mql_threshold_curve_step', 5) %}
{%- set max_steps = 1000 %}
{%- set threshold = var('mql_threshold', 100) %}
{%- set score_epsilon = '1e-10' %}
with

horizon_scores as (select * from {{ ref('int_leads_scored_at_horizon') }}),
steps as ({{ dbt.generate_series(max_steps + 1) }}),

totals as (
    select
        count(*) as leads,
        count(case when reached_sql then 1 end) as sql_leads,
        min(lead_score_at_horizon) as min_score,
        max(lead_score_at_horizon) as max_score
    from horizon_scores
),

-- the grid: thresholds index * grid_step for whole-number indexes (a step like 0.1 is not
-- exact in floating point, so scores and thresholds meet on their index, not their value;
-- scores are rounded to 1e-9, so adding a tenth of that before dividing puts 0.3 at index
-- 3 of step 0.1, not at 2.9999999999999996)
grid_spec as (
    select
        grid_step,
        floor((min_score + {{ score_epsilon }}) / grid_step) as first_index,
        floor((max_score + {{ score_epsilon }}) / grid_step) as last_index
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
    select
        grid_spec.first_index + steps.generated_number - 1 as grid_index,
        {{ round_to('(grid_spec.first_index + steps.generated_number - 1) * grid_spec.grid_step', 9) }} as threshold
    from grid_spec
    cross join steps
    where grid_spec.first_index + steps.generated_number - 1 <= grid_spec.last_index
),

-- leads per grid step (a lead is at or above a grid threshold iff its index is), counted
-- downwards from the top
step_counts as (
    select
        floor((horizon_scores.lead_score_at_horizon + {{ score_epsilon }}) / grid_spec.grid_step) as grid_index,
        count(*) as leads,
        count(case when horizon_scores.reached_sql then 1 end) as sql_leads
    from horizon_scores
    cross join grid_spec
    group by floor((horizon_scores.lead_score_at_horizon + {{ score_epsilon }}) / grid_spec.grid_step)
),

grid_counts as (
    select
        grid.threshold,
        cast(sum(coalesce(step_counts.leads, 0)) over (
            order by grid.grid_index desc
            rows between unbounded preceding and current row
        ) as {{ dbt.type_bigint() }}) as leads_at_or_above,
        cast(sum(coalesce(step_counts.sql_leads, 0)) over (
            order by grid.grid_index desc
            rows between unbounded preceding and current row
        ) as {{ dbt.type_bigint() }}) as sql_leads_at_or_above
    from grid
    left join step_counts
        on grid.grid_index = step_counts.grid_index
),

-- the current threshold, counted exactly (it need not lie on the grid)
current_threshold as (
    select
        cast({{ threshold }} as {{ type_double() }}) as threshold,
        count(case when lead_score_at_horizon >= {{ threshold }} then 1 end) as leads_at_or_above,
        count(case when lead_score_at_horizon >= {{ threshold }} and reached_sql then 1 end) as sql_leads_at_or_above
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
