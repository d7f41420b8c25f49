-- one row per lead on the call list at as_of: MQL-eligible now, not yet accepted or rejected
-- by sales (current stage a funnel stage before any sales decision: lead or mql), and not
-- touched by sales since it became eligible (mql_eligible_at); best first
with

scored_leads as (select * from {{ ref('scored_leads') }}),

lead_activities as (select * from {{ ref('fct_lead_activities') }} where is_sales_touch),

stages as (select * from {{ ref('stages') }}),

-- funnel stages no sales decision has been made in (stages.csv: no sla_decision)
open_stages as (
    select stage
    from stages
    where stage_group = 'funnel' and sla_decision is null
),

eligible_leads as (
    select scored_leads.*
    from scored_leads
    inner join open_stages
        on scored_leads.current_stage = open_stages.stage
    where scored_leads.is_mql_eligible
),

-- the sales touches of each eligible lead, before and since it became eligible
touches as (
    select
        eligible_leads.lead_id,
        count(
            case when lead_activities.occurred_at >= eligible_leads.mql_eligible_at then 1 end
        ) as sales_touches_since_eligible,
        count(
            case when lead_activities.occurred_at < eligible_leads.mql_eligible_at then 1 end
        ) as sales_touches_before_eligible,
        max(lead_activities.occurred_at) as last_sales_touch_at
    from eligible_leads
    inner join lead_activities
        on eligible_leads.lead_id = lead_activities.lead_id
    group by eligible_leads.lead_id
),

call_list as (
    select
        eligible_leads.*,
        coalesce(touches.sales_touches_before_eligible, 0) as sales_touches_before_eligible,
        touches.last_sales_touch_at
    from eligible_leads
    left join touches
        on eligible_leads.lead_id = touches.lead_id
    where coalesce(touches.sales_touches_since_eligible, 0) = 0
),

final as (
    select
        -- ranking: best first
        row_number() over (
            order by lead_score desc, mql_eligible_at asc, lead_id asc
        ) as call_rank,

        -- ids
        lead_id,
        owner_id,

        -- who (contacts stay in scored_leads: join on lead_id)
        company_name,
        job_title,
        lead_source,
        acquisition_offer,

        -- why
        lead_score,
        lead_grade,
        priority_tier,
        current_stage,
        mql_eligible_at,
        {{ days_between('mql_eligible_at', 'scored_as_of') }} as days_since_eligible,

        -- earlier sales contact (before it became eligible)
        sales_touches_before_eligible,
        last_sales_touch_at,

        scored_as_of
    from call_list
)

select * from final
