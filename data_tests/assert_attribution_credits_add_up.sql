-- int_attribution_credits: under every attribution model, each deal of int_opportunities is
-- credited exactly once in full: its shares add up to exactly 1, its pipeline credits to
-- exactly amount_at_creation and its revenue credits to exactly won_amount (both null when
-- the deal has no such amount). Also, each deal with campaign touches has exactly one
-- lead-creation touch. Fails on each deal x model (or deal) that breaks a rule.
with

opportunities as (select * from {{ ref('int_opportunities') }}),

credits as (select * from {{ ref('int_attribution_credits') }}),

touches as (select * from {{ ref('int_opportunity_touches') }}),

attribution_models as ({{ attribution_models() }}
),

credited as (
    select
        opportunity_id,
        attribution_model,
        sum(credit_share) as credited_share,
        sum(credited_pipeline) as credited_pipeline,
        sum(credited_revenue) as credited_revenue
    from credits
    group by
        opportunity_id,
        attribution_model
),

credit_failures as (
    select
        opportunities.opportunity_id,
        attribution_models.attribution_model,
        credited.credited_share,
        credited.credited_pipeline,
        opportunities.amount_at_creation,
        credited.credited_revenue,
        opportunities.won_amount
    from opportunities
    cross join attribution_models
    left join credited
        on opportunities.opportunity_id = credited.opportunity_id
            and attribution_models.attribution_model = credited.attribution_model
    where not coalesce(credited.credited_share = 1, false)
        or not ({{ equal_or_both_null('credited.credited_pipeline', 'opportunities.amount_at_creation') }})
        or not ({{ equal_or_both_null('credited.credited_revenue', 'opportunities.won_amount') }})
),

lead_creation_failures as (
    select
        opportunity_id,
        cast(null as {{ dbt.type_string() }}) as attribution_model
    from touches
    group by opportunity_id
    having count(case when is_lead_creation_touch then 1 end) <> 1
),

final as (
    select
        'credits do not add up to the deal' as problem,
        opportunity_id,
        attribution_model
    from credit_failures
    union all
    select
        'not exactly one lead-creation touch' as problem,
        opportunity_id,
        attribution_model
    from lead_creation_failures
)

select * from final
