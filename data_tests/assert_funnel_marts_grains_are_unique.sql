-- each funnel mart has one row per value of its grain (combination keys, which no
-- single-column unique test covers): a row returned names the mart and how many of its keys
-- are duplicated
with

cohort as (select * from {{ ref('mart_funnel_cohort') }}),

period as (select * from {{ ref('mart_funnel_period') }}),

velocity as (select * from {{ ref('mart_stage_velocity') }}),

velocity_overall as (select * from {{ ref('mart_stage_velocity_overall') }}),

channel as (select * from {{ ref('mart_channel_performance') }}),

cohort_duplicates as (
    select cohort_month
    from cohort
    group by cohort_month, lead_source, acquisition_offer
    having count(*) > 1
),

period_duplicates as (
    select period_month
    from period
    group by period_month, stage
    having count(*) > 1
),

velocity_duplicates as (
    select from_stage
    from velocity
    group by from_stage, to_stage, cohort_month
    having count(*) > 1
),

velocity_overall_duplicates as (
    select from_stage
    from velocity_overall
    group by from_stage, to_stage
    having count(*) > 1
),

channel_duplicates as (
    select lead_source
    from channel
    group by month, lead_source
    having count(*) > 1
),

final as (
    select
        'mart_funnel_cohort' as model_name,
        count(*) as duplicated_keys
    from cohort_duplicates
    union all
    select
        'mart_funnel_period' as model_name,
        count(*) as duplicated_keys
    from period_duplicates
    union all
    select
        'mart_stage_velocity' as model_name,
        count(*) as duplicated_keys
    from velocity_duplicates
    union all
    select
        'mart_stage_velocity_overall' as model_name,
        count(*) as duplicated_keys
    from velocity_overall_duplicates
    union all
    select
        'mart_channel_performance' as model_name,
        count(*) as duplicated_keys
    from channel_duplicates
)

select * from final
where duplicated_keys > 0
