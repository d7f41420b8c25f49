-- one row per MQL entry (a lead that becomes an MQL again has one row per entry): how fast
-- sales touched and decided it, in calendar and business hours, against the SLA policies
-- (the clocks are defined once, in int_mql_sla_clocks)
with

sla_clocks as (select * from {{ ref('int_mql_sla_clocks') }}),

final as (
    select
        -- ids
        mql_entry_id,
        lead_id,
        mql_entry_number,
        owner_id,
        owner_source,

        -- clock start
        mql_entered_at,
        mql_month,

        -- speed to first touch
        first_touch_at,
        first_touch_by,
        hours_to_first_touch,
        business_hours_to_first_touch,
        first_touch_within_1h,
        first_touch_target_hours,
        is_first_touch_target_in_business_hours,
        first_touch_within_sla,

        -- sales decision (accept / reject)
        decision,
        decision_stage,
        decided_at,
        decided_by,
        hours_to_decision,
        business_hours_to_decision,
        decision_target_hours,
        is_decision_target_in_business_hours,
        decision_within_sla,

        -- still waiting for a decision at as_of
        as_of_at,
        hours_waiting,
        business_hours_waiting,
        is_breached,
        hours_past_decision_target
    from sla_clocks
)

select * from final
