-- one row per view x month x lead_source x acquisition_offer: the deals (int_opportunities)
-- of the channel's leads with that offer, what they brought in, and the spend planned for
-- them, in two views (docs/definitions.md#revenue-by-channel-roi-and-acquisition-cost):
--   - 'cohort': every figure dated by the month the LEAD was created (what the leads
--     acquired that month went on to bring, up to as_of), beside that month's spend;
--   - 'period': every figure dated by when it happened (created by opened_month, won / lost
--     by closed_month), beside the spend of the same calendar month.
-- Spend sits at the grain it is planned, never allocated: offer-level spend (offer_spend) on
-- the offer's row; a channel's spend for a month without an offer breakdown (channel_spend)
-- on a row of its own, acquisition_offer = '(channel)', is_channel_level_spend = true, that
-- holds no deals. Summing spend over a month's rows of a channel gives the channel's spend
-- that month exactly once in each view. Months: the reporting window (int_reporting_window);
-- months with spend but no deals are listed.
with

opportunities as (select * from {{ ref('int_opportunities') }}),

channel_spend as (select * from {{ ref('channel_spend') }}),

offer_spend as (select * from {{ ref('offer_spend') }}),

reporting_window as (select * from {{ ref('int_reporting_window') }}),

-- the two views the figures are reported in
views as (
    select 'cohort' as report_view
    union all
    select 'period' as report_view
),

-- a lead's first won deal makes it a new customer (the same instant as its first_customer_at);
-- a second win of the same lead is a won deal, not a new customer
deals as (
    select
        opportunity_id,
        lead_id,
        lead_source,
        acquisition_offer,
        lead_cohort_month,
        opened_month,
        closed_month,
        is_reopened,
        amount_at_creation,
        won_amount,
        outcome,
        days_lead_to_close,
        days_sql_to_close,
        outcome = 'won' and row_number() over (
            partition by lead_id, case when outcome = 'won' then 1 else 0 end
            order by closed_at, opportunity_number
        ) = 1 as is_first_win
    from opportunities
),

-- one row per deal and event, tagged with the view and month it counts in. In the cohort view
-- a deal is one row at its lead's cohort month carrying its creation and its outcome; in the
-- period view its creation counts at opened_month and its outcome (if closed) at closed_month
deal_events as (
    select
        'cohort' as report_view,
        lead_cohort_month as report_month,
        lead_source,
        acquisition_offer,
        1 as is_created,
        case when is_reopened then 1 else 0 end as is_reopened,
        amount_at_creation,
        case when amount_at_creation is null then 1 else 0 end as is_created_without_amount,
        case when outcome = 'won' then 1 else 0 end as is_won,
        won_amount,
        case when outcome = 'won' and won_amount is null then 1 else 0 end as is_won_without_amount,
        case when is_first_win then 1 else 0 end as is_new_customer,
        case when outcome = 'lost' then 1 else 0 end as is_lost,
        case when outcome = 'open' then 1 else 0 end as is_open,
        case when outcome = 'won' then days_lead_to_close end as days_lead_to_won,
        case when outcome = 'won' then days_sql_to_close end as days_sql_to_won
    from deals

    union all

    select
        'period' as report_view,
        opened_month as report_month,
        lead_source,
        acquisition_offer,
        1 as is_created,
        case when is_reopened then 1 else 0 end as is_reopened,
        amount_at_creation,
        case when amount_at_creation is null then 1 else 0 end as is_created_without_amount,
        0 as is_won,
        null as won_amount,
        0 as is_won_without_amount,
        0 as is_new_customer,
        0 as is_lost,
        0 as is_open,
        null as days_lead_to_won,
        null as days_sql_to_won
    from deals

    union all

    select
        'period' as report_view,
        closed_month as report_month,
        lead_source,
        acquisition_offer,
        0 as is_created,
        0 as is_reopened,
        null as amount_at_creation,
        0 as is_created_without_amount,
        case when outcome = 'won' then 1 else 0 end as is_won,
        won_amount,
        case when outcome = 'won' and won_amount is null then 1 else 0 end as is_won_without_amount,
        case when is_first_win then 1 else 0 end as is_new_customer,
        case when outcome = 'lost' then 1 else 0 end as is_lost,
        0 as is_open,
        case when outcome = 'won' then days_lead_to_close end as days_lead_to_won,
        case when outcome = 'won' then days_sql_to_close end as days_sql_to_won
    from deals
    where outcome in ('won', 'lost')
),

deal_figures as (
    select
        report_view,
        report_month,
        lead_source,
        acquisition_offer,
        sum(is_created) as opportunities,
        sum(is_reopened) as reopened_opportunities,
        sum(amount_at_creation) as pipeline_amount,
        sum(is_created_without_amount) as opportunities_without_amount,
        sum(is_won) as won_deals,
        sum(won_amount) as won_amount,
        sum(is_won_without_amount) as won_deals_without_amount,
        sum(is_new_customer) as new_customers,
        sum(is_lost) as lost_deals,
        sum(is_open) as open_deals,
        {{ median('days_lead_to_won') }} as median_days_lead_created_to_won,
        {{ median('days_sql_to_won') }} as median_days_sql_to_won
    from deal_events
    group by
        report_view,
        report_month,
        lead_source,
        acquisition_offer
),

-- the two plans by month and channel / offer, within the reporting window (monthly_spend)
offer_spend_by_month as ({{ monthly_spend('offer_spend', ['lead_source', 'acquisition_offer']) }}
),

channel_spend_by_month as ({{ monthly_spend('channel_spend', ['lead_source']) }}
),

-- the channels and months planned per offer: their offer rows replace the channel's row
offer_planned_months as (
    select distinct
        spend_month,
        lead_source
    from offer_spend_by_month
),

-- every spend line at the grain it is planned: offer rows, and the channel-level rows of
-- channels and months without an offer breakdown (on the '(channel)' row)
spend_lines as (
    select
        spend_month,
        lead_source,
        acquisition_offer,
        false as is_channel_level_spend,
        spend
    from offer_spend_by_month

    union all

    select
        channel_spend_by_month.spend_month,
        channel_spend_by_month.lead_source,
        '(channel)' as acquisition_offer,
        true as is_channel_level_spend,
        channel_spend_by_month.spend
    from channel_spend_by_month
    left join offer_planned_months
        on channel_spend_by_month.spend_month = offer_planned_months.spend_month
            and channel_spend_by_month.lead_source = offer_planned_months.lead_source
    where offer_planned_months.spend_month is null
),

-- the same spend in each view: the cohort month's spend acquired that cohort, and the
-- period view sets a month's results beside the same calendar month's spend
spend as (
    select
        views.report_view,
        spend_lines.spend_month,
        spend_lines.lead_source,
        spend_lines.acquisition_offer,
        spend_lines.is_channel_level_spend,
        spend_lines.spend
    from spend_lines
    cross join views
),

joined as (
    select
        coalesce(deal_figures.report_view, spend.report_view) as report_view,
        coalesce(deal_figures.report_month, spend.spend_month) as report_month,
        coalesce(deal_figures.lead_source, spend.lead_source) as lead_source,
        coalesce(deal_figures.acquisition_offer, spend.acquisition_offer) as acquisition_offer,
        coalesce(spend.is_channel_level_spend, false) as is_channel_level_spend,
        coalesce(deal_figures.opportunities, 0) as opportunities,
        coalesce(deal_figures.reopened_opportunities, 0) as reopened_opportunities,
        coalesce(deal_figures.pipeline_amount, 0) as pipeline_amount,
        coalesce(deal_figures.opportunities_without_amount, 0) as opportunities_without_amount,
        coalesce(deal_figures.won_deals, 0) as won_deals,
        coalesce(deal_figures.won_amount, 0) as won_amount,
        coalesce(deal_figures.won_deals_without_amount, 0) as won_deals_without_amount,
        coalesce(deal_figures.new_customers, 0) as new_customers,
        coalesce(deal_figures.lost_deals, 0) as lost_deals,
        coalesce(deal_figures.open_deals, 0) as open_deals,
        deal_figures.median_days_lead_created_to_won,
        deal_figures.median_days_sql_to_won,
        spend.spend
    from deal_figures
    full outer join spend
        on deal_figures.report_view = spend.report_view
            and deal_figures.report_month = spend.spend_month
            and deal_figures.lead_source = spend.lead_source
            and deal_figures.acquisition_offer = spend.acquisition_offer
),

final as (
    select
        -- grain
        report_view as view,  -- noqa: RF04
        report_month as month,  -- noqa: RF04
        lead_source,
        acquisition_offer,
        is_channel_level_spend,

        -- deals created (pipeline)
        opportunities,
        reopened_opportunities,
        pipeline_amount,
        opportunities_without_amount,

        -- outcomes
        won_deals,
        won_amount,
        won_deals_without_amount,
        new_customers,
        lost_deals,
        -- open deals are a stock at as_of, not an event of a month: cohort view only
        case when report_view = 'cohort' then open_deals end as open_deals,
        {{ safe_ratio('won_deals', 'won_deals + lost_deals') }} as win_rate,
        {{ safe_ratio('won_amount', 'won_deals - won_deals_without_amount') }} as average_deal_size,
        median_days_lead_created_to_won,
        median_days_sql_to_won,

        -- spend, and what it returned: on an offer row only where the offer has its own
        -- spend; the '(channel)' row holds spend and no deals, so its ratios are left null
        -- (a channel's ratio is a sum over its rows)
        spend,
        case when not is_channel_level_spend then {{ safe_ratio('won_amount', 'spend') }} end as roi,
        case when not is_channel_level_spend then {{ safe_ratio('pipeline_amount', 'spend') }} end
            as pipeline_per_spend,
        case when not is_channel_level_spend then {{ safe_ratio('spend', 'new_customers') }} end
            as customer_acquisition_cost
    from joined
)

select * from final
