-- no loss, no double counting: summed over their rows, mart_funnel_cohort and
-- mart_channel_performance count every valid lead once and every stage reached as often as
-- int_lead_stages_reached does; mart_mql_monthly counts every MQL entry and
-- mart_funnel_period every stage entry
with

stages_reached as (select * from {{ ref('int_lead_stages_reached') }}),

mql_entries as (select * from {{ ref('int_mql_entries') }}),

stage_history as (select * from {{ ref('fct_lead_stage_history') }}),

cohort as (select * from {{ ref('mart_funnel_cohort') }}),

channel as (select * from {{ ref('mart_channel_performance') }}),

mql_monthly as (select * from {{ ref('mart_mql_monthly') }}),

period as (select * from {{ ref('mart_funnel_period') }}),

expected as (
    select
        count(*) as leads,
        count(case when reached_mql then 1 end) as mqls,
        count(case when reached_sql then 1 end) as sqls,
        count(case when reached_opportunity then 1 end) as opportunities,
        count(case when reached_customer then 1 end) as customers,
        (select count(*) from mql_entries) as mql_entries,
        (select count(*) from stage_history) as stage_entries
    from stages_reached
),

found as (
    select
        'mart_funnel_cohort' as model_name,
        sum(leads) as leads,
        sum(mqls) as mqls,
        sum(sqls) as sqls,
        sum(opportunities) as opportunities,
        sum(customers) as customers,
        cast(null as {{ dbt.type_bigint() }}) as mql_entries,
        cast(null as {{ dbt.type_bigint() }}) as stage_entries
    from cohort
    union all
    select
        'mart_channel_performance' as model_name,
        sum(leads) as leads,
        sum(mqls) as mqls,
        sum(sqls) as sqls,
        sum(opportunities) as opportunities,
        sum(customers) as customers,
        cast(null as {{ dbt.type_bigint() }}) as mql_entries,
        cast(null as {{ dbt.type_bigint() }}) as stage_entries
    from channel
    union all
    select
        'mart_mql_monthly' as model_name,
        cast(null as {{ dbt.type_bigint() }}) as leads,
        cast(null as {{ dbt.type_bigint() }}) as mqls,
        cast(null as {{ dbt.type_bigint() }}) as sqls,
        cast(null as {{ dbt.type_bigint() }}) as opportunities,
        cast(null as {{ dbt.type_bigint() }}) as customers,
        sum(mqls) as mql_entries,
        cast(null as {{ dbt.type_bigint() }}) as stage_entries
    from mql_monthly
    union all
    select
        'mart_funnel_period' as model_name,
        cast(null as {{ dbt.type_bigint() }}) as leads,
        cast(null as {{ dbt.type_bigint() }}) as mqls,
        cast(null as {{ dbt.type_bigint() }}) as sqls,
        cast(null as {{ dbt.type_bigint() }}) as opportunities,
        cast(null as {{ dbt.type_bigint() }}) as customers,
        cast(null as {{ dbt.type_bigint() }}) as mql_entries,
        sum(entries) as stage_entries
    from period
),

final as (
    select
        found.*,
        expected.leads as expected_leads,
        expected.mql_entries as expected_mql_entries,
        expected.stage_entries as expected_stage_entries
    from found
    cross join expected
    where (found.model_name in ('mart_funnel_cohort', 'mart_channel_performance') and (
        coalesce(found.leads, 0) != expected.leads
        or coalesce(found.mqls, 0) != expected.mqls
        or coalesce(found.sqls, 0) != expected.sqls
        or coalesce(found.opportunities, 0) != expected.opportunities
        or coalesce(found.customers, 0) != expected.customers
    ))
    or (found.model_name = 'mart_mql_monthly' and coalesce(found.mql_entries, 0) != expected.mql_entries)
    or (found.model_name = 'mart_funnel_period' and coalesce(found.stage_entries, 0) != expected.stage_entries)
)

select * from final
