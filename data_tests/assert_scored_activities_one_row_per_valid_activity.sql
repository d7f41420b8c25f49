-- fct_lead_activities has exactly one row per valid activity (a valid staging activity of a
-- valid lead): an activity matching several rules is not fanned out, one matching none is
-- kept. The totals are compared in every run: the valid activities are the staging activities
-- less those data quality rejects as unknown_lead (int_unknown_lead_rows), two counts that
-- need no join of every activity to its lead (at 1M leads that join took 0.75 s of each
-- daily run). One row per activity id is checked on the rows of int_activities_scored (the
-- store fct_lead_activities shows) this run wrote: every row in a full refresh or `dbt test`
-- (macros/run/written_this_run.sql).
with

staging_activities as (select * from {{ ref('stg_activities') }}),
unknown_lead_activities as (
    select * from {{ ref('int_unknown_lead_rows') }} where source_table = 'activities'
),
activities as (select * from {{ ref('fct_lead_activities') }}),
written_activities as (
    select * from {{ ref('int_activities_scored') }} where {{ written_this_run('int_activities_scored') }}
),

totals as (
    select
        (select count(*) from staging_activities)
        - (select count(*) from unknown_lead_activities) as valid_activities,
        (select count(*) from activities) as fact_rows
),

written as (
    select
        count(*) as written_rows,
        count(distinct activity_id) as written_activity_ids
    from written_activities
),

final as (
    select
        totals.valid_activities,
        totals.fact_rows,
        written.written_rows,
        written.written_activity_ids
    from totals
    cross join written
)

select * from final
where valid_activities != fact_rows
    or written_rows != written_activity_ids
