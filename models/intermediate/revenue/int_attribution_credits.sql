-- one row per opportunity x attribution model x credited touch
-- (docs/definitions.md#campaign-attribution): the share of the deal each campaign touch of
-- int_opportunity_touches earns under first_touch, last_touch, linear and w_shaped, and the
-- pipeline (amount_at_creation) and revenue (won_amount, won deals only) that share credits.
-- A deal without any campaign touch credits everything, in every model, to the marker
-- campaign '(no campaign touch)' (touch_number 0), so each model accounts for every deal.
-- Credits are exact: each is rounded (shares to 6 decimals, amounts to cents) and the one
-- touch with the largest share (ties: the latest) takes what is left, so the credits of a
-- deal add up to exactly 1 and its amounts in every model.
{%- set no_touch_campaign = "'(no campaign touch)'" %}
with

opportunities as (select * from {{ ref('int_opportunities') }}),

touches as (select * from {{ ref('int_opportunity_touches') }}),

attribution_models as ({{ attribution_models() }}
),

-- the W roles each touch plays: first touch, lead creation, opportunity creation (the last
-- touch before the deal opened); each role is worth 30%, and a touch playing two or three
-- roles adds them up
touch_roles as (
    select
        opportunity_id,
        touch_number,
        activity_id,
        campaign,
        touched_at,
        opportunity_touches,
        touch_number = 1 as is_first_touch,
        is_lead_creation_touch,
        touch_number = opportunity_touches as is_opportunity_creation_touch,
        case when touch_number = 1 then 1 else 0 end
        + case when is_lead_creation_touch then 1 else 0 end
        + case when touch_number = opportunity_touches then 1 else 0 end as w_roles
    from touches
),

-- the touches that play no W role share the remaining 10%
w_others as (
    select
        opportunity_id,
        count(case when w_roles = 0 then 1 end) as other_touches
    from touch_roles
    group by opportunity_id
),

-- the exact (unrounded) share of each touch under each model; touches a model gives no
-- credit are left out
weighted as (
    select
        touch_roles.opportunity_id,
        attribution_models.attribution_model,
        touch_roles.touch_number,
        touch_roles.activity_id,
        touch_roles.campaign,
        touch_roles.touched_at,
        touch_roles.opportunity_touches,
        touch_roles.is_first_touch,
        touch_roles.is_lead_creation_touch,
        touch_roles.is_opportunity_creation_touch,
        case attribution_models.attribution_model
            when 'first_touch' then case when touch_roles.is_first_touch then 1.0 else 0.0 end
            when 'last_touch' then case when touch_roles.is_opportunity_creation_touch then 1.0 else 0.0 end
            when 'linear' then 1.0 / touch_roles.opportunity_touches
            when 'w_shaped' then
                case
                    -- one touch takes all; two touches split evenly, whatever roles they play
                    when touch_roles.opportunity_touches <= 2 then 1.0 / touch_roles.opportunity_touches
                    -- the W: 30% per role, 10% shared evenly by the others
                    when w_others.other_touches > 0
                        then case
                                when touch_roles.w_roles > 0 then 0.3 * touch_roles.w_roles
                                else 0.1 / w_others.other_touches
                            end
                    -- no other touch (three touches, three roles): the 10% goes to the role
                    -- touches in proportion to their 30%s, i.e. 30% of 90% per role
                    else touch_roles.w_roles / 3.0
                end
        end as exact_share
    from touch_roles
    cross join attribution_models
    inner join w_others
        on touch_roles.opportunity_id = w_others.opportunity_id
),

credited_touches as (
    select
        opportunity_id,
        attribution_model,
        touch_number,
        activity_id,
        campaign,
        touched_at,
        opportunity_touches,
        is_first_touch,
        is_lead_creation_touch,
        is_opportunity_creation_touch,
        cast(exact_share as {{ type_double() }}) as exact_share
    from weighted
    where exact_share > 0
),

-- a deal without a campaign touch: one marker row per model, with the whole deal
untouched as (
    select
        opportunities.opportunity_id,
        attribution_models.attribution_model,
        0 as touch_number,
        cast(null as {{ dbt.type_string() }}) as activity_id,
        {{ no_touch_campaign }} as campaign,
        cast(null as {{ dbt.type_timestamp() }}) as touched_at,
        0 as opportunity_touches,
        false as is_first_touch,
        false as is_lead_creation_touch,
        false as is_opportunity_creation_touch,
        cast(1.0 as {{ type_double() }}) as exact_share
    from opportunities
    cross join attribution_models
    left join touch_roles
        on opportunities.opportunity_id = touch_roles.opportunity_id
            and touch_roles.touch_number = 1
    where touch_roles.opportunity_id is null
),

credits as (
    select * from credited_touches
    union all
    select * from untouched
),

-- the deal's amounts, and which credit takes the rounding remainder: the largest share,
-- ties to the latest touch (the opportunity-creating touch when it is among them)
with_amounts as (
    select
        credits.*,
        opportunities.lead_id,
        opportunities.opened_at,
        opportunities.opened_month,
        opportunities.outcome,
        case when opportunities.outcome = 'won' then opportunities.closed_month end as won_month,
        opportunities.amount_at_creation as pipeline_amount,
        opportunities.won_amount as revenue_amount,
        row_number() over (
            partition by credits.opportunity_id, credits.attribution_model
            order by credits.exact_share desc, credits.touch_number desc
        ) = 1 as takes_remainder
    from credits
    inner join opportunities
        on credits.opportunity_id = opportunities.opportunity_id
),

rounded as (
    select
        *,
        cast({{ round_to('exact_share', 6) }} as {{ dbt.type_numeric() }}) as rounded_share,
        cast({{ round_to('pipeline_amount * exact_share', 2) }} as {{ dbt.type_numeric() }}) as rounded_pipeline,
        cast({{ round_to('revenue_amount * exact_share', 2) }} as {{ dbt.type_numeric() }}) as rounded_revenue
    from with_amounts
),

-- the remainder-taking credit gets the deal's total minus the others' rounded credits
-- (decimal arithmetic: exact)
exact as (
    select
        *,
        coalesce(sum(case when not takes_remainder then rounded_share end) over (
            partition by opportunity_id, attribution_model
        ), 0) as others_share,
        coalesce(sum(case when not takes_remainder then rounded_pipeline end) over (
            partition by opportunity_id, attribution_model
        ), 0) as others_pipeline,
        coalesce(sum(case when not takes_remainder then rounded_revenue end) over (
            partition by opportunity_id, attribution_model
        ), 0) as others_revenue
    from rounded
),

final as (
    select
        -- grain: the deal, the model and the credited touch (0: no campaign touch)
        opportunity_id,
        attribution_model,
        touch_number,
        lead_id,

        -- the touch
        activity_id,
        campaign,
        touched_at,
        opportunity_touches,
        is_first_touch,
        is_lead_creation_touch,
        is_opportunity_creation_touch,

        -- the credit: a share of the deal (of its count) and of its amounts
        cast(
            case when takes_remainder then 1 - others_share else rounded_share end
            as {{ dbt.type_numeric() }}
        ) as credit_share,
        cast(
            case when takes_remainder then pipeline_amount - others_pipeline else rounded_pipeline end
            as {{ dbt.type_numeric() }}
        ) as credited_pipeline,
        cast(
            case when takes_remainder then revenue_amount - others_revenue else rounded_revenue end
            as {{ dbt.type_numeric() }}
        ) as credited_revenue,

        -- the deal's dates and outcome, for reporting by month
        opened_at,
        opened_month,
        outcome,
        won_month
    from exact
)

select * from final
