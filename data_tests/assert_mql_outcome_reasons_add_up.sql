-- mart_mql_outcome_reasons counts every negative decision of int_mql_entries once: its
-- decisions add up to the MQL entries decided 'rejected' (rejected, recycled, disqualified),
-- in total and per outcome, and each month's rows add up to that month's negative decisions
with

mql_entries as (select * from {{ ref('int_mql_entries') }}),

reasons as (select * from {{ ref('mart_mql_outcome_reasons') }}),

expected as (
    select
        decision_stage as outcome,
        count(*) as negative_decisions
    from mql_entries
    where decision = 'rejected'
    group by decision_stage
),

actual as (
    select
        outcome,
        sum(decisions) as negative_decisions
    from reasons
    group by outcome
),

outcome_mismatches as (
    select
        coalesce(expected.outcome, actual.outcome) as outcome,
        cast(null as date) as decision_month,
        coalesce(expected.negative_decisions, 0) as expected,
        coalesce(actual.negative_decisions, 0) as actual
    from expected
    full outer join actual
        on expected.outcome = actual.outcome
    where coalesce(expected.negative_decisions, 0) <> coalesce(actual.negative_decisions, 0)
),

month_mismatches as (
    select
        cast(null as {{ dbt.type_string() }}) as outcome,
        decision_month,
        max(month_negative_decisions) as expected,
        sum(decisions) as actual
    from reasons
    group by decision_month
    having max(month_negative_decisions) <> sum(decisions)
        or min(month_negative_decisions) <> max(month_negative_decisions)
)

select * from outcome_mismatches
union all
select * from month_mismatches
