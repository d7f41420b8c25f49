-- one row per month x owner (the lead's owner, else the rep who acted first; null when
-- nobody has): SLA compliance of the MQL entries of the month (the MQL-entry clocks) and
-- speed to lead of the inquiries of the month (the inquiry clock). Every rate is within /
-- clocks already judged (ended, or open past the window), null when none are.
with

sla_clocks as (select * from {{ ref('int_mql_sla_clocks') }}),

inquiry_clocks as (select * from {{ ref('int_inquiry_response_clocks') }}),

monthly as (
    select
        mql_month,
        owner_id,
        count(*) as mqls,

        -- speed to first touch
        count(first_touch_at) as first_touches,
        count(first_touch_within_1h) as first_touch_1h_clocks_judged,
        count(case when first_touch_within_1h then 1 end) as first_touches_within_1h,
        count(first_touch_within_sla) as first_touch_sla_clocks_judged,
        count(case when first_touch_within_sla then 1 end) as first_touches_within_sla,
        {{ median('hours_to_first_touch') }} as median_hours_to_first_touch,
        {{ median('business_hours_to_first_touch') }} as median_business_hours_to_first_touch,

        -- sales decision
        count(decided_at) as decisions,
        count(decision_within_sla) as decision_sla_clocks_judged,
        count(case when decision_within_sla then 1 end) as decisions_within_sla,
        {{ median('hours_to_decision') }} as median_hours_to_decision,
        {{ median('business_hours_to_decision') }} as median_business_hours_to_decision,

        -- open breaches at as_of
        count(case when decided_at is null then 1 end) as pending_decisions,
        count(case when is_breached then 1 end) as breaches,
        count(case when is_breached and not is_abandoned then 1 end) as actionable_breaches,
        count(case when is_abandoned then 1 end) as abandoned_mqls
    from sla_clocks
    group by mql_month, owner_id
),

inquiries_monthly as (
    select
        inquiry_month,
        owner_id,
        count(*) as inquiries,
        count(case when is_touched then 1 end) as inquiries_touched,
        count(touched_within_5_minutes) as inquiry_5_minute_clocks_judged,
        count(case when touched_within_5_minutes then 1 end) as inquiries_touched_within_5_minutes,
        count(touched_within_1_hour) as inquiry_1_hour_clocks_judged,
        count(case when touched_within_1_hour then 1 end) as inquiries_touched_within_1_hour,
        count(touched_within_24_hours) as inquiry_24_hour_clocks_judged,
        count(case when touched_within_24_hours then 1 end) as inquiries_touched_within_24_hours,
        {{ median('minutes_to_first_touch') }} as median_minutes_to_first_touch_from_inquiry,
        {{ median('business_minutes_to_first_touch') }} as median_business_minutes_to_first_touch_from_inquiry
    from inquiry_clocks
    group by inquiry_month, owner_id
),

-- every (month, owner) with MQL entries or inquiries; owner_id null is its own group
groups as (
    select
        mql_month as month,  -- noqa: RF04
        owner_id
    from monthly
    union
    select
        inquiry_month as month,  -- noqa: RF04
        owner_id
    from inquiries_monthly
),

final as (
    select
        -- grain
        groups.month,
        groups.owner_id,

        -- volume
        coalesce(monthly.mqls, 0) as mqls,

        -- speed to first touch from MQL entry (the MQL-entry clock)
        coalesce(monthly.first_touches, 0) as first_touches,
        coalesce(monthly.first_touches_within_1h, 0) as first_touches_within_1h,
        coalesce(monthly.first_touch_1h_clocks_judged, 0) as first_touch_1h_clocks_judged,
        {{ safe_ratio('monthly.first_touches_within_1h', 'monthly.first_touch_1h_clocks_judged') }}
            as pct_first_touch_within_1h,
        coalesce(monthly.first_touches_within_sla, 0) as first_touches_within_sla,
        coalesce(monthly.first_touch_sla_clocks_judged, 0) as first_touch_sla_clocks_judged,
        {{ safe_ratio('monthly.first_touches_within_sla', 'monthly.first_touch_sla_clocks_judged') }}
            as pct_first_touch_within_sla,
        monthly.median_hours_to_first_touch,
        monthly.median_business_hours_to_first_touch,

        -- sales decision
        coalesce(monthly.decisions, 0) as decisions,
        coalesce(monthly.decisions_within_sla, 0) as decisions_within_sla,
        coalesce(monthly.decision_sla_clocks_judged, 0) as decision_sla_clocks_judged,
        {{ safe_ratio('monthly.decisions_within_sla', 'monthly.decision_sla_clocks_judged') }}
            as pct_decision_within_sla,
        monthly.median_hours_to_decision,
        monthly.median_business_hours_to_decision,

        -- open breaches at as_of
        coalesce(monthly.pending_decisions, 0) as pending_decisions,
        coalesce(monthly.breaches, 0) as breaches,
        coalesce(monthly.actionable_breaches, 0) as actionable_breaches,
        coalesce(monthly.abandoned_mqls, 0) as abandoned_mqls,

        -- speed to lead from the inquiry (the inquiry clock)
        coalesce(inquiries_monthly.inquiries, 0) as inquiries,
        coalesce(inquiries_monthly.inquiries_touched, 0) as inquiries_touched,
        coalesce(inquiries_monthly.inquiries_touched_within_5_minutes, 0) as inquiries_touched_within_5_minutes,
        coalesce(inquiries_monthly.inquiry_5_minute_clocks_judged, 0) as inquiry_5_minute_clocks_judged,
        {{ safe_ratio('inquiries_monthly.inquiries_touched_within_5_minutes',
                      'inquiries_monthly.inquiry_5_minute_clocks_judged') }}
            as pct_inquiries_touched_within_5_minutes,
        coalesce(inquiries_monthly.inquiries_touched_within_1_hour, 0) as inquiries_touched_within_1_hour,
        coalesce(inquiries_monthly.inquiry_1_hour_clocks_judged, 0) as inquiry_1_hour_clocks_judged,
        {{ safe_ratio('inquiries_monthly.inquiries_touched_within_1_hour',
                      'inquiries_monthly.inquiry_1_hour_clocks_judged') }}
            as pct_inquiries_touched_within_1_hour,
        coalesce(inquiries_monthly.inquiries_touched_within_24_hours, 0) as inquiries_touched_within_24_hours,
        coalesce(inquiries_monthly.inquiry_24_hour_clocks_judged, 0) as inquiry_24_hour_clocks_judged,
        {{ safe_ratio('inquiries_monthly.inquiries_touched_within_24_hours',
                      'inquiries_monthly.inquiry_24_hour_clocks_judged') }}
            as pct_inquiries_touched_within_24_hours,
        inquiries_monthly.median_minutes_to_first_touch_from_inquiry,
        inquiries_monthly.median_business_minutes_to_first_touch_from_inquiry
    from groups
    left join monthly
        on
            groups.month = monthly.mql_month
            and (groups.owner_id = monthly.owner_id or (groups.owner_id is null and monthly.owner_id is null))
    left join inquiries_monthly
        on
            groups.month = inquiries_monthly.inquiry_month
            and (
                groups.owner_id = inquiries_monthly.owner_id
                or (groups.owner_id is null and inquiries_monthly.owner_id is null)
            )
)

select * from final
