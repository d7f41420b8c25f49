-- one row per month of SQL entry x completeness (complete / incomplete at the SQL moment,
-- mart_sql_qualification): the SQL entries, how many went on to an opportunity and the
-- conversion rate with its Wilson interval and whether the month is mature (the p90 time
-- from sql to opportunity, int_funnel_step_maturity, has passed since the month ended), so
-- complete and incomplete SQLs can be compared
-- (docs/definitions.md#the-sal-and-sql-qualification-checklist). A month and completeness
-- without SQL entries has no row.
with

sql_qualification as (select * from {{ ref('mart_sql_qualification') }}),

step_maturity as (select * from {{ ref('int_funnel_step_maturity') }}),

as_of as (select as_of_at from {{ ref('run_as_of') }}),

maturity as (
    select max(case when funnel_step = 'sql_to_opportunity' then maturity_days end) as maturity_days
    from step_maturity
),

monthly as (
    select
        sql_month,
        is_complete,
        count(*) as sqls,
        sum(case when reached_opportunity then 1 else 0 end) as opportunities,
        sum(missing_required_criteria) as missing_required_criteria
    from sql_qualification
    group by sql_month, is_complete
),

final as (
    select
        {{ dbt.concat([
            dbt.cast("monthly.sql_month", dbt.type_string()), "'|'",
            "case when monthly.is_complete then 'complete' else 'incomplete' end"
        ]) }} as sql_qualification_conversion_id,
        monthly.sql_month,
        monthly.is_complete,
        case when monthly.is_complete then 'complete' else 'incomplete' end as completeness,
        monthly.sqls,
        monthly.opportunities,
        {{ safe_ratio('monthly.opportunities', 'monthly.sqls') }} as sql_to_opportunity_rate,
        {{ wilson_lower('monthly.opportunities', 'monthly.sqls') }} as sql_to_opportunity_rate_ci_lower,
        {{ wilson_upper('monthly.opportunities', 'monthly.sqls') }} as sql_to_opportunity_rate_ci_upper,
        {{ days_between(dbt.dateadd('month', 1, 'monthly.sql_month'), 'as_of.as_of_at') }}
        >= maturity.maturity_days as is_rate_mature,
        {{ safe_ratio('monthly.missing_required_criteria', 'monthly.sqls') }} as missing_criteria_per_sql
    from monthly
    cross join maturity
    cross join as_of
)

select * from final
