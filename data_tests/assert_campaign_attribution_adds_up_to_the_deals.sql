-- mart_campaign_attribution: under every attribution model, the rows add up to the deals of
-- fct_opportunities, each counted once in full: attributed opportunities to the deals,
-- those without an amount to the deals created without one, attributed pipeline to their
-- amount_at_creation, attributed wins to the won deals and attributed revenue to their
-- won_amount. Exact (decimal) equality: credits are exact to the cent. Fails on each model
-- x measure that does not add up (a model missing from the mart fails every measure).
with

deals as (select * from {{ ref('fct_opportunities') }}),

attribution as (select * from {{ ref('mart_campaign_attribution') }}),

attribution_models as ({{ attribution_models() }}
),

deal_totals as (
    select
        count(*) as opportunities,
        count(case when amount_at_creation is null then 1 end) as opportunities_without_amount,
        coalesce(sum(amount_at_creation), 0) as pipeline,
        count(case when outcome = 'won' then 1 end) as wins,
        coalesce(sum(won_amount), 0) as revenue
    from deals
),

mart_totals as (
    select
        attribution_model,
        sum(attributed_opportunities) as opportunities,
        sum(attributed_opportunities_without_amount) as opportunities_without_amount,
        sum(attributed_pipeline) as pipeline,
        sum(attributed_wins) as wins,
        sum(attributed_revenue) as revenue
    from attribution
    group by attribution_model
),

compared as (
    select
        attribution_models.attribution_model,
        deal_totals.opportunities as expected_opportunities,
        coalesce(mart_totals.opportunities, 0) as actual_opportunities,
        deal_totals.opportunities_without_amount as expected_opportunities_without_amount,
        coalesce(mart_totals.opportunities_without_amount, 0) as actual_opportunities_without_amount,
        deal_totals.pipeline as expected_pipeline,
        coalesce(mart_totals.pipeline, 0) as actual_pipeline,
        deal_totals.wins as expected_wins,
        coalesce(mart_totals.wins, 0) as actual_wins,
        deal_totals.revenue as expected_revenue,
        coalesce(mart_totals.revenue, 0) as actual_revenue
    from attribution_models
    cross join deal_totals
    left join mart_totals
        on attribution_models.attribution_model = mart_totals.attribution_model
),

final as (
    select
        attribution_model,
        expected_opportunities,
        actual_opportunities,
        expected_opportunities_without_amount,
        actual_opportunities_without_amount,
        expected_pipeline,
        actual_pipeline,
        expected_wins,
        actual_wins,
        expected_revenue,
        actual_revenue
    from compared
    where actual_opportunities <> expected_opportunities
        or actual_opportunities_without_amount <> expected_opportunities_without_amount
        or actual_pipeline <> expected_pipeline
        or actual_wins <> expected_wins
        or actual_revenue <> expected_revenue
)

select * from final
