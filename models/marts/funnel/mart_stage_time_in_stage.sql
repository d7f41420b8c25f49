-- one row per stage: how long an entry stays in it (until it exits to any other stage, funnel
-- or outcome), counting the entries still open at as_of as censored (Kaplan-Meier), beside
-- the exited-only figures and the number and age of the open entries
with

-- the leads the funnel leaves out (int_lead_funnel_scope: none, unless the var
-- funnel_exclude_existing_customer_leads leaves out those of existing customers)
leads_out_of_scope as (select lead_id from {{ ref('int_lead_funnel_scope') }} where not is_in_funnel_scope),

stage_history as (
    select * from {{ ref('fct_lead_stage_history') }} as scoped_rows
    where not exists (
            select 1 from leads_out_of_scope
            where leads_out_of_scope.lead_id = scoped_rows.lead_id
        )
),

stages as (select * from {{ ref('stages') }}),

-- each entry's time in stage: to its exit, or (open entry, censored) to as_of
entry_durations as (
    select
        stage,
        exited_at is not null as is_exited,
        hours_in_stage * 3600 as seconds_in_stage,
        hours_in_stage / 24 as days_in_stage
    from stage_history
),

-- the distinct durations of each stage: exits (events) and open entries (censored) there
duration_steps as (
    select
        stage,
        seconds_in_stage,
        count(case when is_exited then 1 end) as exits,
        count(*) as entries_ending
    from entry_durations
    group by stage, seconds_in_stage
),

-- entries still in the stage just before each duration: those lasting at least that long
-- (an entry censored at the same duration as an exit is still at risk of exiting there)
at_risk as (
    select
        stage,
        seconds_in_stage,
        exits,
        sum(entries_ending) over (
            partition by stage
            order by seconds_in_stage desc
            rows between unbounded preceding and current row
        ) as entries_at_risk
    from duration_steps
),

-- the Kaplan-Meier product of (1 - exits / at risk) over the exit durations up to each one,
-- as exp(sum(ln(...))); a step where every entry at risk exits takes the curve to 0
survival_steps as (
    select
        stage,
        seconds_in_stage,
        sum(
            case
                when exits < entries_at_risk
                    then ln(1 - cast(exits as {{ type_double() }}) / entries_at_risk)
                else 0
            end
        ) over (
            partition by stage order by seconds_in_stage rows between unbounded preceding and current row
        ) as log_survival,
        max(case when exits = entries_at_risk then 1 else 0 end) over (
            partition by stage order by seconds_in_stage rows between unbounded preceding and current row
        ) as has_emptied
    from at_risk
    where exits > 0
),

survival as (
    select
        stage,
        seconds_in_stage,
        {{ round_to('case when has_emptied = 1 then 0 else exp(log_survival) end', 9) }} as survival
    from survival_steps
),

survival_quantiles as (
    select
        stage,
        min(case when survival <= 0.5 then seconds_in_stage end) / 86400 as km_median_days_in_stage,
        min(case when survival <= 0.1 then seconds_in_stage end) / 86400 as km_p90_days_in_stage
    from survival
    group by stage
),

entry_counts as (
    select
        stage,
        count(*) as entries,
        count(case when is_exited then 1 end) as exited_entries,
        count(case when not is_exited then 1 end) as open_entries,
        {{ median('case when is_exited then days_in_stage end') }} as median_days_exited,
        {{ percentile_cont('case when is_exited then days_in_stage end', 0.9) }} as p90_days_exited,
        {{ median('case when not is_exited then days_in_stage end') }} as median_days_open
    from entry_durations
    group by stage
),

final as (
    select
        -- grain
        entry_counts.stage,
        stages.stage_order,
        stages.stage_group,

        -- volume
        entry_counts.entries,
        entry_counts.exited_entries,
        entry_counts.open_entries,

        -- time in stage, open entries censored at as_of (the figure to quote)
        survival_quantiles.km_median_days_in_stage,
        survival_quantiles.km_p90_days_in_stage,

        -- exited entries only (understates the wait while many entries are open)
        entry_counts.median_days_exited,
        entry_counts.p90_days_exited,

        -- open entries: how long they have waited so far
        entry_counts.median_days_open
    from entry_counts
    inner join stages
        on entry_counts.stage = stages.stage
    left join survival_quantiles
        on entry_counts.stage = survival_quantiles.stage
)

select * from final
