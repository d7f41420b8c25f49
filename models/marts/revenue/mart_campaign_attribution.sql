-- one row per month x campaign x attribution model (docs/definitions.md#campaign-attribution):
-- the campaign's credited share of the deals that opened in the month (attributed
-- opportunities and pipeline, amount_at_creation) and of the deals won in the month
-- (attributed wins and revenue, won_amount), under each of first_touch, last_touch, linear and
-- w_shaped (int_attribution_credits). Each measure is dated by its own event, as the funnel
-- marts date results by arrival: summed over months, a model's rows give every deal once.
-- Deals without a campaign touch are credited to '(no campaign touch)'.
with

credits as (select * from {{ ref('int_attribution_credits') }}),

-- what the deals that opened in the month are credited to
opened as (
    select
        opened_month,
        campaign,
        attribution_model,
        sum(credit_share) as attributed_opportunities,
        sum(case when credited_pipeline is null then credit_share end) as attributed_opportunities_without_amount,
        sum(credited_pipeline) as attributed_pipeline
    from credits
    group by
        opened_month,
        campaign,
        attribution_model
),

-- what the deals won in the month are credited to
won as (
    select
        won_month,
        campaign,
        attribution_model,
        sum(credit_share) as attributed_wins,
        sum(credited_revenue) as attributed_revenue
    from credits
    where outcome = 'won'
    group by
        won_month,
        campaign,
        attribution_model
),

joined as (
    select
        coalesce(opened.opened_month, won.won_month) as attribution_month,
        coalesce(opened.campaign, won.campaign) as campaign,
        coalesce(opened.attribution_model, won.attribution_model) as attribution_model,
        coalesce(opened.attributed_opportunities, 0) as attributed_opportunities,
        coalesce(opened.attributed_opportunities_without_amount, 0) as attributed_opportunities_without_amount,
        coalesce(opened.attributed_pipeline, 0) as attributed_pipeline,
        coalesce(won.attributed_wins, 0) as attributed_wins,
        coalesce(won.attributed_revenue, 0) as attributed_revenue
    from opened
    full outer join won
        on opened.opened_month = won.won_month
            and opened.campaign = won.campaign
            and opened.attribution_model = won.attribution_model
),

final as (
    select
        -- grain
        attribution_month as month,  -- noqa: RF04
        campaign,
        attribution_model,

        -- deals opened in the month: credited count and pipeline (amount at creation); the
        -- type of the credits, which a sum widens differently on each engine
        cast(attributed_opportunities as {{ dbt.type_numeric() }}) as attributed_opportunities,
        cast(attributed_opportunities_without_amount as {{ dbt.type_numeric() }})
            as attributed_opportunities_without_amount,
        cast(attributed_pipeline as {{ dbt.type_numeric() }}) as attributed_pipeline,

        -- deals won in the month: credited count and revenue (won amount)
        cast(attributed_wins as {{ dbt.type_numeric() }}) as attributed_wins,
        cast(attributed_revenue as {{ dbt.type_numeric() }}) as attributed_revenue
    from joined
)

select * from final
