-- the actuals of mart_targets_pacing are the warehouse's own monthly figures: mql = the MQL
-- entries of mart_mql_monthly, sql / opportunity / customer = the stage entries of
-- mart_funnel_period, won_amount = the won amounts of fct_opportunities by closed_month;
-- and customer entries are the deals won (each customer entry wins one deal), so the
-- customer and won_amount targets measure the same wins. A month x metric with something
-- done has a row, and its actual is that figure. With funnel_exclude_existing_customer_leads
-- the stage actuals leave out existing customers' leads (int_lead_funnel_scope) and
-- won_amount does not, so customer entries equal the wins of the funnel's leads.
with

leads_out_of_scope as (select lead_id from {{ ref('int_lead_funnel_scope') }} where not is_in_funnel_scope),

pacing as (
    select
        month,
        metric,
        actual
    from {{ ref('mart_targets_pacing') }}
),

mql_monthly as (
    select
        month,
        'mql' as metric,
        cast(mqls as {{ dbt.type_numeric() }}) as expected_actual
    from {{ ref('mart_mql_monthly') }}
    where mqls > 0
),

stage_entries as (
    select
        period_month as month,
        stage as metric,
        cast(entries as {{ dbt.type_numeric() }}) as expected_actual
    from {{ ref('mart_funnel_period') }}
    where stage in ({{ funnel_stages_from('sql') }})
        and entries > 0
),

-- won_deals: the wins of the funnel's leads; won_amount: every win
won_deals as (
    select
        opportunities.closed_month as month,
        count(case when leads_out_of_scope.lead_id is null then 1 end) as won_deals,
        cast(coalesce(sum(opportunities.won_amount), 0) as {{ dbt.type_numeric() }}) as won_amount
    from {{ ref('fct_opportunities') }} as opportunities
    left join leads_out_of_scope
        on opportunities.lead_id = leads_out_of_scope.lead_id
    where opportunities.outcome = 'won'
    group by opportunities.closed_month
),

expected as (
    select * from mql_monthly
    union all
    select * from stage_entries
    union all
    select
        month,
        'won_amount' as metric,
        won_amount as expected_actual
    from won_deals
),

mismatched_actuals as (
    select
        coalesce(pacing.month, expected.month) as month,
        coalesce(pacing.metric, expected.metric) as metric,
        pacing.actual,
        expected.expected_actual
    from pacing
    full outer join expected
        on pacing.month = expected.month
            and pacing.metric = expected.metric
    where coalesce(pacing.actual, 0) <> coalesce(expected.expected_actual, 0)
        or (pacing.month is null and expected.expected_actual > 0)
),

mismatched_wins as (
    select
        coalesce(customers.month, won_deals.month) as month,
        'customer_vs_won_deals' as metric,
        customers.expected_actual as actual,
        cast(won_deals.won_deals as {{ dbt.type_numeric() }}) as expected_actual
    from (select * from stage_entries where metric = 'customer') as customers
    full outer join won_deals
        on customers.month = won_deals.month
    where coalesce(customers.expected_actual, 0) <> coalesce(won_deals.won_deals, 0)
)

select * from mismatched_actuals
union all
select * from mismatched_wins
