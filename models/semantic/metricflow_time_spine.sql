-- one row per calendar day: MetricFlow's time spine (metric_time), also a plain date dimension.
-- It follows the data: from the earlier of var time_spine_start_date and the first lead's
-- creation day, to the later of var time_spine_end_date and the day after as_of, so a lead
-- from any year (even 0001) is covered. date_spine counts its days in a query of its own,
-- hence the bounds are subqueries rather than import CTEs.
{%- set leads = ref('scored_leads') %}
{%- set default_start = "cast('" ~ var('time_spine_start_date', '2015-01-01') ~ "' as date)" %}
{%- set default_end = "cast('" ~ var('time_spine_end_date', '2036-01-01') ~ "' as date)" %}
{%- set start_date, end_date = default_start, default_end %}
{#- compiled without a build (sqlfluff, dbt compile on an empty database): the vars alone #}
{%- if execute and load_relation(leads) is not none %}
    {%- set start_date = "least(" ~ default_start ~ ", coalesce((select cast(min(created_at) as date) from "
        ~ leads ~ "), " ~ default_start ~ "))" %}
    {%- set end_date = "greatest(" ~ default_end ~ ", coalesce((select cast("
        ~ dbt.dateadd('day', 1, 'max(scored_as_of)') ~ " as date) from " ~ leads ~ "), " ~ default_end ~ "))" %}
{%- endif %}
with

days as (
    {{ dbt.date_spine(datepart='day', start_date=start_date, end_date=end_date) }}
),

final as (
    select cast(date_day as date) as date_day
    from days
)

select * from final
