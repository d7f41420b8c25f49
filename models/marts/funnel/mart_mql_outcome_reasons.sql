-- one row per month of the decision x owner_id x lead_source x outcome (rejected, recycled,
-- disqualified) x reason_group: the negative sales decisions on MQL entries, why they were
-- made (int_mql_outcome_reasons), their share of the month's negative decisions and of all
-- its decisions, and what became of the leads: entered MQL again after the decision, and
-- reached SQL (or later) after that re-entry. Dated by the decision, not the MQL entry: the
-- reason is given when the decision is made, so a closed month's counts and shares are
-- final, where an MQL month's would keep growing while its entries wait for a decision.
-- The re-MQL figures do keep growing: is_re_mql_rate_mature says when a month's have had
-- the time a cohort has (cohort_maturity_days after the month ended).
with

outcome_reasons as (select * from {{ ref('int_mql_outcome_reasons') }}),

mql_entries as (select * from {{ ref('int_mql_entries') }}),

as_of as (select * from {{ ref('run_as_of') }}),

-- every decision (accepting or negative) dated in the month: the denominator of
-- share_of_decisions
month_decisions as (
    select
        cast({{ dbt.date_trunc('month', 'decided_at') }} as date) as decision_month,
        count(*) as month_decisions,
        count(case when decision = 'rejected' then 1 end) as month_negative_decisions
    from mql_entries
    where decision is not null
    group by cast({{ dbt.date_trunc('month', 'decided_at') }} as date)
),

grouped as (
    select
        decision_month,
        owner_id,
        lead_source,
        outcome,
        reason_group,
        count(*) as decisions,
        count(case when is_re_mql then 1 end) as re_mqls,
        count(case when reached_sql_after_re_mql then 1 end) as re_mqls_reaching_sql
    from outcome_reasons
    group by decision_month, owner_id, lead_source, outcome, reason_group
),

joined as (
    select
        grouped.*,
        month_decisions.month_negative_decisions,
        month_decisions.month_decisions
    from grouped
    inner join month_decisions
        on grouped.decision_month = month_decisions.decision_month
),

-- the re-MQL figures of a month are mature once the month has ended and
-- cohort_maturity_days have passed since (the rule of is_cohort_complete)
matured as (
    select
        joined.*,
        {{ dbt.dateadd('day', var('cohort_maturity_days'), dbt.dateadd('month', 1, 'joined.decision_month')) }}
        <= as_of.as_of_at as is_re_mql_rate_mature
    from joined
    cross join as_of
),

final as (
    select
        -- grain
        decision_month,
        owner_id,
        lead_source,
        outcome,
        reason_group,

        -- the decisions and their shares of the month
        decisions,
        month_negative_decisions,
        month_decisions,
        {{ safe_ratio('decisions', 'month_negative_decisions') }} as share_of_negative_decisions,
        {{ safe_ratio('decisions', 'month_decisions') }} as share_of_decisions,

        -- what followed: MQL again, then SQL
        re_mqls,
        {{ safe_ratio('re_mqls', 'decisions') }} as re_mql_rate,
        {{ wilson_lower('re_mqls', 'decisions') }} as re_mql_rate_ci_lower,
        {{ wilson_upper('re_mqls', 'decisions') }} as re_mql_rate_ci_upper,
        re_mqls_reaching_sql,
        {{ safe_ratio('re_mqls_reaching_sql', 're_mqls') }} as re_mql_to_sql_rate,
        is_re_mql_rate_mature
    from matured
)

select * from final
