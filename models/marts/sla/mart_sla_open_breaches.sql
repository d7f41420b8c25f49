-- one row per open SLA breach at as_of: an MQL entry still waiting for sales to accept or
-- reject it past the decision target (is_breached), with the lead's score at MQL entry and
-- today, and its owner. The actionable queue (queue_rank 1, 2, ...) holds the breaches not
-- yet abandoned (waiting at most sla_abandoned_after_days), by priority: the tier the lead had
-- at MQL entry, then the longest wait; breach_rank ranks every breach oldest first.
{%- set tier_bands = var('priority_tier_bands') | dictsort(by='value', reverse=true) %}
with

sla_clocks as (select * from {{ ref('int_mql_sla_clocks') }} where is_breached),

entry_scores as (select * from {{ ref('int_mql_entry_scores') }}),

scored_leads as (select * from {{ ref('scored_leads') }}),

breaches as (
    select
        sla_clocks.*,
        entry_scores.lead_score_at_mql_entry,
        entry_scores.priority_tier_at_mql_entry,
        -- tiers from the highest band down (priority_tier_bands), then the lowest, then none
        case entry_scores.priority_tier_at_mql_entry
            {%- for label, minimum in tier_bands %}
            when '{{ label }}' then {{ loop.index }}
            {%- endfor %}
            when 'low' then {{ tier_bands | length + 1 }}
            else {{ tier_bands | length + 2 }}
        end as tier_priority,
        not sla_clocks.is_abandoned as is_actionable
    from sla_clocks
    left join entry_scores
        on sla_clocks.mql_entry_id = entry_scores.mql_entry_id
),

ranked as (
    select
        *,
        row_number() over (
            order by mql_entered_at, mql_entry_id
        ) as breach_rank,
        row_number() over (
            partition by is_actionable
            order by tier_priority, mql_entered_at, mql_entry_id
        ) as priority_position
    from breaches
),

final as (
    select
        -- ranking: the actionable queue by priority; every breach oldest first
        case when ranked.is_actionable then ranked.priority_position end as queue_rank,
        ranked.breach_rank,

        -- ids
        ranked.mql_entry_id,
        ranked.lead_id,
        ranked.mql_entry_number,
        ranked.owner_id,
        ranked.owner_source,

        -- the lead, at MQL entry and today
        scored_leads.company_name,
        scored_leads.job_title,
        scored_leads.lead_source,
        ranked.lead_score_at_mql_entry,
        ranked.priority_tier_at_mql_entry,
        scored_leads.lead_score,
        scored_leads.lead_grade,
        scored_leads.priority_tier,
        scored_leads.current_stage,

        -- the wait
        ranked.mql_entered_at,
        ranked.first_touch_at,
        ranked.first_touch_by,
        ranked.hours_waiting,
        ranked.business_hours_waiting,
        ranked.hours_waiting / 24 as days_waiting,
        ranked.waiting_age_bucket,
        ranked.decision_target_hours,
        ranked.is_decision_target_in_business_hours,
        ranked.hours_past_decision_target,

        -- actionable or abandoned (past sla_abandoned_after_days)
        ranked.is_actionable,
        ranked.is_abandoned,
        ranked.as_of_at
    from ranked
    left join scored_leads
        on ranked.lead_id = scored_leads.lead_id
)

select * from final
