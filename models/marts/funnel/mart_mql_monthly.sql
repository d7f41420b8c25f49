-- one row per month (calendar month of the MQL entry; every entry counts, so a lead
-- recycled and qualified again counts in each month it became an MQL), including months of
-- the reporting window (int_reporting_window: first data to as_of) that have a target but
-- no MQLs: MQLs against target, the sales decisions
-- that followed and how fast they came (the SLA decision clocks of int_mql_sla_clocks), and
-- MQL efficiency (the share of MQL entries whose lead reached SQL), each conversion rate
-- with its Wilson interval and whether it is mature (int_funnel_step_maturity: the p90 time
-- from MQL to the outcome has passed since the month ended)
with

-- the leads the funnel leaves out (int_lead_funnel_scope: none, unless the var
-- funnel_exclude_existing_customer_leads leaves out those of existing customers)
leads_out_of_scope as (select lead_id from {{ ref('int_lead_funnel_scope') }} where not is_in_funnel_scope),

mql_entries as (
    select * from {{ ref('int_mql_entries') }} as scoped_rows
    where not exists (
            select 1 from leads_out_of_scope
            where leads_out_of_scope.lead_id = scoped_rows.lead_id
        )
),

sla_clocks as (select * from {{ ref('int_mql_sla_clocks') }}),

stage_entries as (select * from {{ ref('int_lead_stage_entries') }}),

mql_targets as (select * from {{ ref('mql_targets') }}),

reporting_window as (select * from {{ ref('int_reporting_window') }}),

step_maturity as (select * from {{ ref('int_funnel_step_maturity') }}),

maturity as (
    select
        max(case when funnel_step = 'mql_to_sal' then maturity_days end) as mql_to_sal_maturity_days,
        max(case when funnel_step = 'mql_to_sql' then maturity_days end) as mql_to_sql_maturity_days
    from step_maturity
),

as_of as (select as_of_at from {{ ref('run_as_of') }}),

-- MQL efficiency: the lead reached SQL (entered sql or a later funnel stage, the
-- "reached" rule) at or after this MQL entry
sql_after_mql as (
    select
        mql_entries.mql_entry_id,
        min(stage_entries.entered_at) as first_sql_at
    from mql_entries
    inner join stage_entries
        on mql_entries.lead_id = stage_entries.lead_id
            and mql_entries.mql_entered_at <= stage_entries.entered_at
    where stage_entries.stage in ({{ funnel_stages_from('sql') }})
    group by mql_entries.mql_entry_id
),

mql_outcomes as (
    select
        mql_entries.mql_entry_id,
        cast({{ dbt.date_trunc("month", "mql_entries.mql_entered_at") }} as date) as mql_month,
        mql_entries.mql_entry_number,
        mql_entries.decision,
        sla_clocks.hours_to_decision,
        sla_clocks.business_hours_to_decision,
        sla_clocks.decision_within_sla,
        sql_after_mql.first_sql_at is not null as reached_sql
    from mql_entries
    left join sla_clocks
        on mql_entries.mql_entry_id = sla_clocks.mql_entry_id
    left join sql_after_mql
        on mql_entries.mql_entry_id = sql_after_mql.mql_entry_id
),

monthly as (
    select
        mql_month,
        count(*) as mqls,
        count(case when mql_entry_number > 1 then 1 end) as re_mqls,
        count(case when decision = 'accepted' then 1 end) as accepted,
        count(case when decision = 'rejected' then 1 end) as rejected,
        count(case when decision is null then 1 end) as pending,
        {{ median('hours_to_decision') }} as median_hours_to_decision,
        {{ median('business_hours_to_decision') }} as median_business_hours_to_decision,
        count(case when decision_within_sla then 1 end) as decisions_within_sla,
        count(decision_within_sla) as decision_sla_clocks_judged,
        count(case when reached_sql then 1 end) as mqls_reaching_sql
    from mql_outcomes
    group by mql_month
),

-- the plan, by month (a date within the month counts for the month), within the reporting
-- window: a plan for a month that has not started yet, or for months before the data, is
-- not reported
targets as (
    select
        cast({{ dbt.date_trunc('month', 'mql_targets.month') }} as date) as mql_month,
        cast(sum(mql_targets.target_mqls) as {{ dbt.type_bigint() }}) as target_mqls
    from mql_targets
    cross join reporting_window
    where cast({{ dbt.date_trunc('month', 'mql_targets.month') }} as date)
        between reporting_window.first_month and reporting_window.last_month
    group by cast({{ dbt.date_trunc('month', 'mql_targets.month') }} as date)
),

months as (
    select
        coalesce(monthly.mql_month, targets.mql_month) as mql_month,
        coalesce(monthly.mqls, 0) as mqls,
        coalesce(monthly.re_mqls, 0) as re_mqls,
        targets.target_mqls,
        coalesce(monthly.accepted, 0) as accepted,
        coalesce(monthly.rejected, 0) as rejected,
        coalesce(monthly.pending, 0) as pending,
        monthly.median_hours_to_decision,
        monthly.median_business_hours_to_decision,
        coalesce(monthly.decisions_within_sla, 0) as decisions_within_sla,
        coalesce(monthly.decision_sla_clocks_judged, 0) as decision_sla_clocks_judged,
        coalesce(monthly.mqls_reaching_sql, 0) as mqls_reaching_sql
    from monthly
    full outer join targets
        on monthly.mql_month = targets.mql_month
),

months_aged as (
    select
        months.*,
        maturity.mql_to_sal_maturity_days,
        maturity.mql_to_sql_maturity_days,
        {{ days_between(dbt.dateadd('month', 1, 'months.mql_month'), 'as_of.as_of_at') }} as days_since_month_end
    from months
    cross join maturity
    cross join as_of
),

final as (
    select
        -- grain
        mql_month as month,  -- noqa: RF04

        -- volume against plan
        mqls,
        re_mqls,
        target_mqls,
        {{ safe_ratio('mqls', 'target_mqls') }} as target_attainment,

        -- sales decisions on these MQL entries
        accepted,
        rejected,
        pending,
        {{ safe_ratio('accepted', 'accepted + rejected') }} as acceptance_rate,

        -- speed of the decision (SLA decision clock)
        median_hours_to_decision,
        median_business_hours_to_decision,
        decisions_within_sla,
        decision_sla_clocks_judged,
        {{ safe_ratio('decisions_within_sla', 'decision_sla_clocks_judged') }} as pct_decided_within_sla,

        -- MQL efficiency
        mqls_reaching_sql,
        {{ safe_ratio('mqls_reaching_sql', 'mqls') }} as mql_to_sql_rate,

        -- how far the conversion rates can be trusted: Wilson intervals and maturity
        {{ wilson_lower('accepted', 'accepted + rejected') }} as acceptance_rate_ci_lower,
        {{ wilson_upper('accepted', 'accepted + rejected') }} as acceptance_rate_ci_upper,
        days_since_month_end >= mql_to_sal_maturity_days as is_acceptance_rate_mature,
        {{ wilson_lower('mqls_reaching_sql', 'mqls') }} as mql_to_sql_rate_ci_lower,
        {{ wilson_upper('mqls_reaching_sql', 'mqls') }} as mql_to_sql_rate_ci_upper,
        days_since_month_end >= mql_to_sql_maturity_days as is_mql_to_sql_rate_mature
    from months_aged
)

select * from final
