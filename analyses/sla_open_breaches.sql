-- The SLA breach list, as a sales manager reads it: MQL entries sales has left waiting past the
-- decision target at as_of, oldest first, with the lead's score and owner. Uncomment a filter
-- to narrow it (one rep, high-priority leads only). `dbt compile --select sla_open_breaches`
-- writes the runnable SQL to target/compiled/.
with

open_breaches as (select * from {{ ref('mart_sla_open_breaches') }}),

final as (
    select
        breach_rank,
        owner_id,
        lead_id,
        company_name,
        lead_score,
        priority_tier,
        mql_entered_at,
        round(hours_waiting / 24, 1) as days_waiting,
        round(hours_past_decision_target, 1) as hours_past_target,
        first_touch_at is not null as was_touched
    from open_breaches
    -- where owner_id = 'rep_01'
    -- where priority_tier = 'high'
)

select * from final
order by breach_rank
