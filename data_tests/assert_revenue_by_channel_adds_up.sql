-- mart_revenue_by_channel is additive, in each view separately:
--   - its deal counts and amounts sum to fct_opportunities' totals (every deal counted once
--     as created and, once closed, once as won or lost; every won deal's amount once);
--   - its spend, per month and channel, is the plan's spend for that channel and month exactly
--     once: the offer rows of offer_spend where the channel and month has any, else the
--     channel_spend row, within the reporting window (so nothing is allocated, duplicated or
--     lost by the '(channel)' rows).
-- A row returned names the view and what does not add up.
with

revenue as (select * from {{ ref('mart_revenue_by_channel') }}),

opportunities as (select * from {{ ref('fct_opportunities') }}),

channel_spend as (select * from {{ ref('channel_spend') }}),

offer_spend as (select * from {{ ref('offer_spend') }}),

reporting_window as (select * from {{ ref('int_reporting_window') }}),

views as (
    select 'cohort' as report_view
    union all
    select 'period' as report_view
),

deal_totals as (
    select
        count(*) as opportunities,
        count(case when outcome = 'won' then 1 end) as won_deals,
        count(case when outcome = 'lost' then 1 end) as lost_deals,
        count(case when outcome = 'open' then 1 end) as open_deals,
        coalesce(sum(amount_at_creation), 0) as pipeline_amount,
        count(case when amount_at_creation is null then 1 end) as opportunities_without_amount,
        coalesce(sum(won_amount), 0) as won_amount
    from opportunities
),

mart_totals as (
    select
        view as report_view,
        sum(opportunities) as opportunities,
        sum(won_deals) as won_deals,
        sum(lost_deals) as lost_deals,
        sum(open_deals) as open_deals,
        sum(pipeline_amount) as pipeline_amount,
        sum(opportunities_without_amount) as opportunities_without_amount,
        sum(won_amount) as won_amount
    from revenue
    group by view
),

deal_mismatches as (
    select
        views.report_view,
        'deal totals' as what
    from views
    cross join deal_totals
    left join mart_totals
        on views.report_view = mart_totals.report_view
    -- a view without rows adds up only when there is no deal (every row rejected, say)
    where (mart_totals.report_view is null and deal_totals.opportunities > 0)
        or mart_totals.opportunities != deal_totals.opportunities
        or mart_totals.won_deals != deal_totals.won_deals
        or mart_totals.lost_deals != deal_totals.lost_deals
        or mart_totals.pipeline_amount != deal_totals.pipeline_amount
        or mart_totals.opportunities_without_amount != deal_totals.opportunities_without_amount
        or mart_totals.won_amount != deal_totals.won_amount
        -- open deals: counted in the cohort view only
        or (
            views.report_view = 'cohort'
            and mart_totals.report_view is not null
            and coalesce(mart_totals.open_deals, -1) != deal_totals.open_deals
        )
        or (views.report_view = 'period' and mart_totals.open_deals is not null)
),

offer_plan as (
    select
        cast({{ dbt.date_trunc('month', 'month') }} as date) as spend_month,
        lower(trim(lead_source)) as lead_source,
        sum(spend) as spend
    from offer_spend
    group by
        cast({{ dbt.date_trunc('month', 'month') }} as date),
        lower(trim(lead_source))
),

channel_plan as (
    select
        cast({{ dbt.date_trunc('month', 'month') }} as date) as spend_month,
        lower(trim(lead_source)) as lead_source,
        sum(spend) as spend
    from channel_spend
    group by
        cast({{ dbt.date_trunc('month', 'month') }} as date),
        lower(trim(lead_source))
),

-- the plan per month and channel: the offer breakdown replaces the channel's row
plan as (
    select
        coalesce(offer_plan.spend_month, channel_plan.spend_month) as spend_month,
        coalesce(offer_plan.lead_source, channel_plan.lead_source) as lead_source,
        coalesce(offer_plan.spend, channel_plan.spend) as spend
    from offer_plan
    full outer join channel_plan
        on offer_plan.spend_month = channel_plan.spend_month
            and offer_plan.lead_source = channel_plan.lead_source
),

plan_in_window as (
    select
        views.report_view,
        plan.spend_month,
        plan.lead_source,
        plan.spend
    from plan
    cross join reporting_window
    cross join views
    where plan.spend_month between reporting_window.first_month and reporting_window.last_month
),

mart_spend as (
    select
        view as report_view,
        month as spend_month,
        lead_source,
        sum(spend) as spend
    from revenue
    where spend is not null
    group by
        view,
        month,
        lead_source
),

spend_mismatches as (
    select
        coalesce(plan_in_window.report_view, mart_spend.report_view) as report_view,
        'spend of ' || coalesce(plan_in_window.lead_source, mart_spend.lead_source) as what
    from plan_in_window
    full outer join mart_spend
        on plan_in_window.report_view = mart_spend.report_view
            and plan_in_window.spend_month = mart_spend.spend_month
            and plan_in_window.lead_source = mart_spend.lead_source
    where plan_in_window.spend is null
        or mart_spend.spend is null
        or plan_in_window.spend != mart_spend.spend
),

final as (
    select
        report_view,
        what
    from deal_mismatches
    union all
    select
        report_view,
        what
    from spend_mismatches
)

select * from final
