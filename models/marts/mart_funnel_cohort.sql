-- one row per cohort_month (month the lead was created) x lead_source x acquisition_offer:
-- how many of the cohort's leads reached each funnel stage ("reached" as defined once in
-- int_lead_stages_reached: a skipped stage counts as passed, a lead counts once however
-- often it re-enters), the step rates, the median days between stages, and whether the
-- cohort is old enough for its numbers to be final
with

stages_reached as (select * from {{ ref('int_lead_stages_reached') }}),

as_of as (select as_of_at from {{ ref('stg_as_of') }}),

cohorts as (
    select
        cohort_month,
        lead_source,
        acquisition_offer,

        -- leads reaching each stage
        count(*) as leads,
        count(case when reached_mql then 1 end) as mqls,
        count(case when reached_sal then 1 end) as sals,
        count(case when reached_sql then 1 end) as sqls,
        count(case when reached_opportunity then 1 end) as opportunities,
        count(case when reached_customer then 1 end) as customers,

        -- days between first reaching consecutive stages (null unless both were reached)
        {{ median(days_between('first_lead_at', 'first_mql_at')) }} as median_days_lead_to_mql,
        {{ median(days_between('first_mql_at', 'first_sal_at')) }} as median_days_mql_to_sal,
        {{ median(days_between('first_sal_at', 'first_sql_at')) }} as median_days_sal_to_sql,
        {{ median(days_between('first_sql_at', 'first_opportunity_at')) }} as median_days_sql_to_opportunity,
        {{ median(days_between('first_opportunity_at', 'first_customer_at')) }}
            as median_days_opportunity_to_customer
    from stages_reached
    group by
        cohort_month,
        lead_source,
        acquisition_offer
),

final as (
    select
        -- grain
        cohorts.cohort_month,
        cohorts.lead_source,
        cohorts.acquisition_offer,

        -- leads reaching each stage
        cohorts.leads,
        cohorts.mqls,
        cohorts.sals,
        cohorts.sqls,
        cohorts.opportunities,
        cohorts.customers,

        -- step rates: reached(to) / reached(from), null when nothing reached from
        {{ safe_ratio('cohorts.mqls', 'cohorts.leads') }} as lead_to_mql_rate,
        {{ safe_ratio('cohorts.sals', 'cohorts.mqls') }} as mql_to_sal_rate,
        {{ safe_ratio('cohorts.sqls', 'cohorts.sals') }} as sal_to_sql_rate,
        {{ safe_ratio('cohorts.sqls', 'cohorts.mqls') }} as mql_to_sql_rate,
        {{ safe_ratio('cohorts.opportunities', 'cohorts.sqls') }} as sql_to_opportunity_rate,
        {{ safe_ratio('cohorts.customers', 'cohorts.opportunities') }} as opportunity_to_customer_rate,
        {{ safe_ratio('cohorts.customers', 'cohorts.leads') }} as lead_to_customer_rate,

        -- median days from first reaching one stage to first reaching the next
        cohorts.median_days_lead_to_mql,
        cohorts.median_days_mql_to_sal,
        cohorts.median_days_sal_to_sql,
        cohorts.median_days_sql_to_opportunity,
        cohorts.median_days_opportunity_to_customer,

        -- maturity: the month has ended and cohort_maturity_days have passed since
        {{ dbt.dateadd('day', var('cohort_maturity_days'), dbt.dateadd('month', 1, 'cohorts.cohort_month')) }}
        <= as_of.as_of_at as is_cohort_complete
    from cohorts
    cross join as_of
)

select * from final
