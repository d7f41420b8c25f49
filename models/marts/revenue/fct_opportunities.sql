-- one row per opportunity (deal) of a valid lead (int_opportunities: when a deal opens,
-- re-opens and closes, and its amounts), with the campaigns that brought it: the first and
-- the last campaign touch that counts for it (int_opportunity_touches: before it opened,
-- within the attribution window) and how many there were
with

opportunities as (select * from {{ ref('int_opportunities') }}),

touches as (select * from {{ ref('int_opportunity_touches') }}),

first_and_last_touches as (
    select
        opportunity_id,
        max(case when touch_number = 1 then campaign end) as first_campaign,
        max(case when touch_number = 1 then touched_at end) as first_touch_at,
        max(case when touch_number = opportunity_touches then campaign end) as last_campaign,
        max(case when touch_number = opportunity_touches then touched_at end) as last_touch_at,
        count(*) as campaign_touches,
        count(distinct campaign) as campaigns_touched
    from touches
    group by opportunity_id
),

final as (
    select
        opportunities.opportunity_id,
        opportunities.lead_id,
        opportunities.opportunity_number,
        opportunities.opened_at,
        opportunities.opened_month,
        opportunities.is_opportunity_skipped,
        opportunities.is_reopened,
        opportunities.opportunity_entries,
        opportunities.amount_at_creation,
        opportunities.latest_amount,
        opportunities.won_amount,
        opportunities.is_amount_missing,
        opportunities.outcome,
        opportunities.outcome_stage,
        opportunities.closed_at,
        opportunities.closed_month,
        opportunities.lead_created_at,
        opportunities.lead_cohort_month,
        opportunities.lead_source,
        opportunities.acquisition_offer,
        opportunities.sql_at,
        opportunities.is_sql_skipped,
        opportunities.days_lead_to_opportunity,
        opportunities.days_lead_to_close,
        opportunities.days_sql_to_close,
        first_and_last_touches.first_campaign,
        first_and_last_touches.first_touch_at,
        first_and_last_touches.last_campaign,
        first_and_last_touches.last_touch_at,
        coalesce(first_and_last_touches.campaign_touches, 0) as campaign_touches,
        coalesce(first_and_last_touches.campaigns_touched, 0) as campaigns_touched
    from opportunities
    left join first_and_last_touches
        on opportunities.opportunity_id = first_and_last_touches.opportunity_id
)

select * from final
