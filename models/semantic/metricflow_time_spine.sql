-- one row per calendar day: MetricFlow's time spine (metric_time), also a plain date dimension
with

days as (
    {{ dbt.date_spine(
        datepart='day',
        start_date="cast('" ~ var('time_spine_start_date', '2015-01-01') ~ "' as date)",
        end_date="cast('" ~ var('time_spine_end_date', '2036-01-01') ~ "' as date)",
    ) }}
),

final as (
    select cast(date_day as date) as date_day
    from days
)

select * from final
