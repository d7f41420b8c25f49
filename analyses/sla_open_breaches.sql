-- The actionable SLA breach queue, as a sales manager works it: MQL entries sales has left
-- waiting past the decision target at as_of and not yet abandoned (sla_abandoned_after_days),
-- by priority: the tier the lead had when it entered mql, then the longest wait; the score at
-- MQL entry beside today's. Uncomment a filter to narrow it (one rep, high-priority leads
-- only), or drop `where is_actionable` to see the abandoned entries to clean up.
-- `dbt compile --select sla_open_breaches` writes the runnable SQL to target/compiled/.
with

open_breaches as (select * from {{ ref('mart_sla_open_breaches') }}),

final as (
    select
        queue_rank,
        owner_id,
        lead_id,
        company_name,
        priority_tier_at_mql_entry,
        lead_score_at_mql_entry,
        lead_score,
        mql_entered_at,
        waiting_age_bucket,
        round(days_waiting, 1) as days_waiting,
        round(hours_past_decision_target, 1) as hours_past_target,
        first_touch_at is not null as was_touched
    from open_breaches
    where is_actionable
    -- and owner_id = 'rep_01'
    -- and priority_tier_at_mql_entry = 'high'
)

select * from final
order by queue_rank
