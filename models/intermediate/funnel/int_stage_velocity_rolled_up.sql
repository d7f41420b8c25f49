-- one row per from_stage x to_stage x cohort_month (month the lead was created), plus one
-- row per from_stage x to_stage over all cohorts (cohort_month null, is_all_cohorts true):
-- transitions between consecutive stage entries of a lead and the days they took. The two
-- velocity marts select their rows from here, so both use one definition.
{#- the measures of a move, the same by cohort and over all cohorts; the mean sums exact
    decimal seconds, so it does not depend on the order rows are summed in (a sum of doubles
    does, in its last digits) -#}
{%- set velocity_measures -%}
count(*) as transitions,
        count(distinct lead_id) as leads,
        cast(sum(seconds_to_next_stage) as {{ type_double() }}) / count(*) / 86400 as avg_days,
        {{ median('days_to_next_stage') }} as median_days,
        {{ percentile_cont('days_to_next_stage', 0.9) }} as p90_days
{%- endset %}
with

-- the leads the funnel leaves out (int_lead_funnel_scope: none, unless the var
-- funnel_exclude_existing_customer_leads leaves out those of existing customers)
leads_out_of_scope as (select lead_id from {{ ref('int_lead_funnel_scope') }} where not is_in_funnel_scope),

stage_history as (
    select * from {{ ref('int_lead_stage_entries') }} as scoped_rows
    where not exists (
            select 1 from leads_out_of_scope
            where leads_out_of_scope.lead_id = scoped_rows.lead_id
        )
),

stages_reached as (select * from {{ ref('int_lead_stages_reached') }}),

stages as (select * from {{ ref('stages') }}),

transitions as (
    select
        stage_history.lead_id,
        stage_history.stage as from_stage,
        stage_history.next_stage as to_stage,
        stages_reached.cohort_month,
        {{ days_between('stage_history.entered_at', 'stage_history.exited_at') }} as days_to_next_stage,
        cast(
            {{ epoch_seconds('stage_history.exited_at') }} - {{ epoch_seconds('stage_history.entered_at') }}
            as decimal(20, 6)
        ) as seconds_to_next_stage
    from stage_history
    inner join stages_reached
        on stage_history.lead_id = stages_reached.lead_id
    where stage_history.next_stage is not null
),

by_cohort as (
    select
        from_stage,
        to_stage,
        cohort_month,
        false as is_all_cohorts,
        {{ velocity_measures }}
    from transitions
    group by
        from_stage,
        to_stage,
        cohort_month
),

all_cohorts as (
    select
        from_stage,
        to_stage,
        cast(null as date) as cohort_month,
        true as is_all_cohorts,
        {{ velocity_measures }}
    from transitions
    group by
        from_stage,
        to_stage
),

velocity as (
    select * from by_cohort
    union all
    select * from all_cohorts
),

final as (
    select
        -- grain
        velocity.from_stage,
        velocity.to_stage,
        velocity.cohort_month,
        velocity.is_all_cohorts,

        -- the move
        from_stages.stage_order as from_stage_order,
        to_stages.stage_order as to_stage_order,
        case
            when from_stages.stage_group = 'outcome' or to_stages.stage_group = 'outcome' then 'outcome'
            when to_stages.stage_order > from_stages.stage_order then 'forward'
            when to_stages.stage_order < from_stages.stage_order then 'backward'
            else 'repeat'
        end as direction,

        -- volume and time
        velocity.transitions,
        velocity.leads,
        velocity.avg_days,
        velocity.median_days,
        velocity.p90_days
    from velocity
    inner join stages as from_stages
        on velocity.from_stage = from_stages.stage
    inner join stages as to_stages
        on velocity.to_stage = to_stages.stage
)

select * from final
