-- one row per candidate MQL threshold T: had leads been routed to sales when their score
-- first reached T, how many of the routed leads would then have become SQL (precision), and
-- what share of the leads that became SQL would that have caught (recall). Over mature
-- leads only (int_lead_score_backtest: created at least backtest_outcome_window_days before
-- as_of). A lead is routed at T when its score reached T before its first SQL (or it never
-- became SQL): peak_score_before_sql >= T; a hit when routed and it became SQL afterwards.
-- A lead that became SQL before its score reached T is a miss, not a routed lead.
-- Candidates: a grid over the observed peak scores (var mql_threshold_curve_step, widened to
-- at most 1000 steps) plus the current mql_threshold.
{%- set step = var('mql_threshold_curve_step', 5) %}
{%- set max_steps = 1000 %}
{%- set threshold = var('mql_threshold', 100) %}
{%- set score_epsilon = '1e-10' %}
with

backtest as (select * from {{ ref('int_lead_score_backtest') }}),
steps as ({{ dbt.generate_series(max_steps + 1) }}),

totals as (
    select
        count(*) as leads,
        count(case when reached_sql then 1 end) as sql_leads,
        min(peak_score_before_sql) as min_score,
        max(peak_score_before_sql) as max_score
    from backtest
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
        where min_score is not null
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

-- routed leads and hits per grid step (a lead is routed at a grid threshold iff the index of
-- its peak score before SQL is at or above it), counted downwards from the top; a lead that
-- was SQL from its creation on (no peak) is routed at no threshold
step_counts as (
    select
        floor((backtest.peak_score_before_sql + {{ score_epsilon }}) / grid_spec.grid_step) as grid_index,
        count(*) as leads,
        count(case when backtest.reached_sql then 1 end) as sql_leads
    from backtest
    cross join grid_spec
    where backtest.peak_score_before_sql is not null
    group by floor((backtest.peak_score_before_sql + {{ score_epsilon }}) / grid_spec.grid_step)
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
        count(case when peak_score_before_sql >= {{ threshold }} then 1 end) as leads_at_or_above,
        count(case when peak_score_before_sql >= {{ threshold }} and reached_sql then 1 end) as sql_leads_at_or_above
    from backtest
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
        candidates.leads_at_or_above as routed_leads,
        candidates.sql_leads_at_or_above as hits,
        -- the names before routing was defined (same values)
        candidates.leads_at_or_above,
        candidates.sql_leads_at_or_above,
        {{ safe_ratio('candidates.leads_at_or_above', 'totals.leads') }} as share_at_or_above,
        {{ safe_ratio('candidates.sql_leads_at_or_above', 'candidates.leads_at_or_above') }} as precision,
        {{ wilson_lower('candidates.sql_leads_at_or_above', 'candidates.leads_at_or_above') }} as precision_ci_lower,
        {{ wilson_upper('candidates.sql_leads_at_or_above', 'candidates.leads_at_or_above') }} as precision_ci_upper,
        {{ safe_ratio('candidates.sql_leads_at_or_above', 'totals.sql_leads') }} as recall,
        {{ wilson_lower('candidates.sql_leads_at_or_above', 'totals.sql_leads') }} as recall_ci_lower,
        {{ wilson_upper('candidates.sql_leads_at_or_above', 'totals.sql_leads') }} as recall_ci_upper,
        {{ safe_ratio('totals.sql_leads', 'totals.leads') }} as base_rate,
        {{ safe_ratio(
            safe_ratio('candidates.sql_leads_at_or_above', 'candidates.leads_at_or_above'),
            safe_ratio('totals.sql_leads', 'totals.leads')) }} as lift
    from candidates
    cross join totals
)

select * from final
