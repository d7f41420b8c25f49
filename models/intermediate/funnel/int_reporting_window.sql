-- one row: the months the monthly marts report on, from the month of the first lead
-- creation or funnel entry to the month of as_of. A configured month outside it (an MQL
-- target or channel spend of the demo plan, a plan for next quarter) is not reported.
with

stages_reached as (select * from {{ ref('int_lead_stages_reached') }}),
as_of as (select as_of_at from {{ ref('run_as_of') }}),

first_data as (
    select min(least(created_at, first_lead_at)) as first_data_at
    from stages_reached
),

final as (
    select
        cast(
            {{ dbt.date_trunc('month', 'coalesce(first_data.first_data_at, as_of.as_of_at)') }} as date
        ) as first_month,
        cast({{ dbt.date_trunc('month', 'as_of.as_of_at') }} as date) as last_month
    from first_data
    cross join as_of
)

select * from final
