-- mart_stage_velocity: the cohort rows of each move add up to its row in
-- mart_stage_velocity_overall, and the overall rows count every transition of the stage
-- history (an entry with a next stage) of the funnel's leads (int_lead_funnel_scope)
with

leads_out_of_scope as (select lead_id from {{ ref('int_lead_funnel_scope') }} where not is_in_funnel_scope),

velocity as (select * from {{ ref('mart_stage_velocity') }}),

velocity_overall as (select * from {{ ref('mart_stage_velocity_overall') }}),

stage_history as (
    select * from {{ ref('fct_lead_stage_history') }} as scoped_rows
    where not exists (
            select 1 from leads_out_of_scope
            where leads_out_of_scope.lead_id = scoped_rows.lead_id
        )
),

by_cohort as (
    select
        from_stage,
        to_stage,
        sum(transitions) as transitions
    from velocity
    group by from_stage, to_stage
),

all_cohorts as (
    select
        from_stage,
        to_stage,
        transitions
    from velocity_overall
),

history as (
    select
        stage as from_stage,
        next_stage as to_stage,
        count(*) as transitions
    from stage_history
    where next_stage is not null
    group by stage, next_stage
),

compared as (
    select
        coalesce(history.from_stage, all_cohorts.from_stage, by_cohort.from_stage) as from_stage,
        coalesce(history.to_stage, all_cohorts.to_stage, by_cohort.to_stage) as to_stage,
        history.transitions as history_transitions,
        all_cohorts.transitions as all_cohort_transitions,
        by_cohort.transitions as cohort_transitions
    from history
    full outer join all_cohorts
        on history.from_stage = all_cohorts.from_stage
            and history.to_stage = all_cohorts.to_stage
    full outer join by_cohort
        on coalesce(history.from_stage, all_cohorts.from_stage) = by_cohort.from_stage
            and coalesce(history.to_stage, all_cohorts.to_stage) = by_cohort.to_stage
)

select * from compared
where history_transitions is null
    or all_cohort_transitions is null
    or cohort_transitions is null
    or history_transitions != all_cohort_transitions
    or history_transitions != cohort_transitions
