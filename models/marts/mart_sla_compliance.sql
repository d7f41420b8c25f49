-- one row per month of MQL entry x owner (the lead's owner, else the rep who acted first;
-- null when nobody has): SLA compliance of the MQL entries of the month. Every rate is
-- within / clocks already judged (ended, or open past the target), null when none are.
with

sla_clocks as (select * from {{ ref('int_mql_sla_clocks') }}),

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
        count(case when is_breached then 1 end) as breaches
    from sla_clocks
    group by mql_month, owner_id
),

final as (
    select
        -- grain
        mql_month as month,  -- noqa: RF04
        owner_id,

        -- volume
        mqls,

        -- speed to first touch
        first_touches,
        first_touches_within_1h,
        first_touch_1h_clocks_judged,
        {{ safe_ratio('first_touches_within_1h', 'first_touch_1h_clocks_judged') }} as pct_first_touch_within_1h,
        first_touches_within_sla,
        first_touch_sla_clocks_judged,
        {{ safe_ratio('first_touches_within_sla', 'first_touch_sla_clocks_judged') }} as pct_first_touch_within_sla,
        median_hours_to_first_touch,
        median_business_hours_to_first_touch,

        -- sales decision
        decisions,
        decisions_within_sla,
        decision_sla_clocks_judged,
        {{ safe_ratio('decisions_within_sla', 'decision_sla_clocks_judged') }} as pct_decision_within_sla,
        median_hours_to_decision,
        median_business_hours_to_decision,

        -- open breaches at as_of
        pending_decisions,
        breaches
    from monthly
)

select * from final
