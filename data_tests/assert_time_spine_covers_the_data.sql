-- MetricFlow joins metrics to metricflow_time_spine: it must cover every day the marts can
-- put a metric on, from the first lead's creation to as_of (a row returned names the
-- problem: the spine follows the data by construction, so this guards that construction)
with

spine as (select * from {{ ref('metricflow_time_spine') }}),

leads as (select * from {{ ref('scored_leads') }}),

as_of as (select * from {{ ref('run_as_of') }}),

spine_range as (
    select
        min(date_day) as first_day,
        max(date_day) as last_day
    from spine
),

data_range as (
    select
        cast(min(leads.created_at) as date) as first_day,
        cast(max(as_of.as_of_at) as date) as last_day
    from leads
    cross join as_of
),

problems as (
    select 'spine starts after the first lead' as problem
    from spine_range
    cross join data_range
    where spine_range.first_day > data_range.first_day
    union all
    select 'spine ends before as_of' as problem
    from spine_range
    cross join data_range
    where spine_range.last_day < data_range.last_day
)

select * from problems
