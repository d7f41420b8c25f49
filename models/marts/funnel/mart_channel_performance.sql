-- one row per month x lead_source (marketing channel): leads created that month, leads
-- first reaching MQL / SQL / opportunity / customer that month (by the month of their
-- first_<stage>_at, attributed to the lead's own source), the channel's spend that month
-- (seeds/config/channel_spend.csv) and the cost per lead and per stage reached. Months with spend
-- but no leads are included within the reporting window (int_reporting_window: first data
-- to as_of).
with

-- the leads the funnel leaves out (int_lead_funnel_scope: none, unless the var
-- funnel_exclude_existing_customer_leads leaves out those of existing customers)
leads_out_of_scope as (select lead_id from {{ ref('int_lead_funnel_scope') }} where not is_in_funnel_scope),

stages_reached as (
    select * from {{ ref('int_lead_stages_reached') }} as scoped_rows
    where not exists (
            select 1 from leads_out_of_scope
            where leads_out_of_scope.lead_id = scoped_rows.lead_id
        )
),

channel_spend as (select * from {{ ref('channel_spend') }}),

reporting_window as (select * from {{ ref('int_reporting_window') }}),

-- one row per lead and stage it reached, dated by the month it got there
stage_arrivals as (
    select
        lead_source,
        'lead' as reached_stage,
        cohort_month as arrival_month
    from stages_reached

    union all

    select
        lead_source,
        'mql' as reached_stage,
        cast({{ dbt.date_trunc('month', 'first_mql_at') }} as date) as arrival_month
    from stages_reached
    where first_mql_at is not null

    union all

    select
        lead_source,
        'sql' as reached_stage,
        cast({{ dbt.date_trunc('month', 'first_sql_at') }} as date) as arrival_month
    from stages_reached
    where first_sql_at is not null

    union all

    select
        lead_source,
        'opportunity' as reached_stage,
        cast({{ dbt.date_trunc('month', 'first_opportunity_at') }} as date) as arrival_month
    from stages_reached
    where first_opportunity_at is not null

    union all

    select
        lead_source,
        'customer' as reached_stage,
        cast({{ dbt.date_trunc('month', 'first_customer_at') }} as date) as arrival_month
    from stages_reached
    where first_customer_at is not null
),

arrivals as (
    select
        arrival_month,
        lead_source,
        count(case when reached_stage = 'lead' then 1 end) as leads,
        count(case when reached_stage = 'mql' then 1 end) as mqls,
        count(case when reached_stage = 'sql' then 1 end) as sqls,
        count(case when reached_stage = 'opportunity' then 1 end) as opportunities,
        count(case when reached_stage = 'customer' then 1 end) as customers
    from stage_arrivals
    group by
        arrival_month,
        lead_source
),

-- spend by month and channel, within the reporting window (monthly_spend)
spend as ({{ monthly_spend('channel_spend', ['lead_source']) }}
),

joined as (
    select
        coalesce(arrivals.arrival_month, spend.spend_month) as activity_month,
        coalesce(arrivals.lead_source, spend.lead_source) as lead_source,
        coalesce(arrivals.leads, 0) as leads,
        coalesce(arrivals.mqls, 0) as mqls,
        coalesce(arrivals.sqls, 0) as sqls,
        coalesce(arrivals.opportunities, 0) as opportunities,
        coalesce(arrivals.customers, 0) as customers,
        spend.spend
    from arrivals
    full outer join spend
        on arrivals.arrival_month = spend.spend_month
            and arrivals.lead_source = spend.lead_source
),

final as (
    select
        -- grain
        activity_month as month,  -- noqa: RF04
        lead_source,

        -- leads created, and leads first reaching each stage, this month
        leads,
        mqls,
        sqls,
        opportunities,
        customers,

        -- spend (null: none recorded for this channel and month) and cost per result
        spend,
        {{ safe_ratio('spend', 'leads') }} as cost_per_lead,
        {{ safe_ratio('spend', 'mqls') }} as cost_per_mql,
        {{ safe_ratio('spend', 'sqls') }} as cost_per_sql,
        {{ safe_ratio('spend', 'opportunities') }} as cost_per_opportunity,
        {{ safe_ratio('spend', 'customers') }} as cost_per_customer
    from joined
)

select * from final
