-- one row per open SLA breach at as_of: an MQL entry still waiting for sales to accept or
-- reject it past the decision target (is_breached), with the lead's score and owner, ranked
-- oldest first (breach_rank 1 = the entry waiting longest): the alert list for sales managers
with

sla_clocks as (select * from {{ ref('int_mql_sla_clocks') }}),

scored_leads as (select * from {{ ref('scored_leads') }}),

final as (
    select
        -- ranking: oldest first
        row_number() over (
            order by sla_clocks.mql_entered_at, sla_clocks.mql_entry_id
        ) as breach_rank,

        -- ids
        sla_clocks.mql_entry_id,
        sla_clocks.lead_id,
        sla_clocks.mql_entry_number,
        sla_clocks.owner_id,
        sla_clocks.owner_source,

        -- the lead
        scored_leads.company_name,
        scored_leads.job_title,
        scored_leads.lead_source,
        scored_leads.lead_score,
        scored_leads.lead_grade,
        scored_leads.priority_tier,
        scored_leads.current_stage,

        -- the wait
        sla_clocks.mql_entered_at,
        sla_clocks.first_touch_at,
        sla_clocks.first_touch_by,
        sla_clocks.hours_waiting,
        sla_clocks.business_hours_waiting,
        sla_clocks.decision_target_hours,
        sla_clocks.is_decision_target_in_business_hours,
        sla_clocks.hours_past_decision_target,
        sla_clocks.as_of_at
    from sla_clocks
    left join scored_leads
        on sla_clocks.lead_id = scored_leads.lead_id
    where sla_clocks.is_breached
)

select * from final
