-- the four MQL counts tie together through mart_mql_handoff (docs: mql_counts_reconciled):
-- (4) leads ever eligible by score = after + before + eligible_not_handed_off;
-- (2) leads with an MQL SLA clock = after + before + never (the handed-off leads);
-- (3) MQL entries (SLA clocks, mart_mql_monthly) = the handed-off leads' mql_entries;
-- (1) leads that reached MQL (mart_funnel_cohort) = handed-off leads + leads that reached
--     MQL without an MQL entry (int_lead_stages_reached)
-- The lead-level figures are taken over the funnel's leads (int_lead_funnel_scope), as the
-- funnel marts count them: all leads, unless funnel_exclude_existing_customer_leads.
with

leads_out_of_scope as (select lead_id from {{ ref('int_lead_funnel_scope') }} where not is_in_funnel_scope),

handoff as (
    select
        count(case when handoff_status = 'handed_off_after_eligible' then 1 end) as after_eligible,
        count(case when handoff_status = 'handed_off_before_eligible' then 1 end) as before_eligible,
        count(case when handoff_status = 'handed_off_never_eligible' then 1 end) as never_eligible,
        count(case when handoff_status = 'eligible_not_handed_off' then 1 end) as not_handed_off,
        coalesce(sum(case when is_handed_off then mql_entries else 0 end), 0) as handed_off_mql_entries
    from {{ ref('mart_mql_handoff') }} as scoped_rows
    where not exists (
            select 1 from leads_out_of_scope
            where leads_out_of_scope.lead_id = scoped_rows.lead_id
        )
),

eligible as (
    select count(*) as ever_eligible_leads
    from {{ ref('scored_leads') }} as scoped_rows
    where scoped_rows.mql_eligible_at is not null
        and not exists (
            select 1 from leads_out_of_scope
            where leads_out_of_scope.lead_id = scoped_rows.lead_id
        )
),

clocks as (
    select
        count(distinct lead_id) as leads_with_clock,
        count(*) as mql_clocks
    from {{ ref('mart_sla_mql_response') }} as scoped_rows
    where not exists (
            select 1 from leads_out_of_scope
            where leads_out_of_scope.lead_id = scoped_rows.lead_id
        )
),

monthly as (
    select coalesce(sum(mqls), 0) as monthly_mql_entries
    from {{ ref('mart_mql_monthly') }}
),

cohort as (
    select coalesce(sum(mqls), 0) as reached_mql_leads
    from {{ ref('mart_funnel_cohort') }}
),

mql_entry_leads as (
    select distinct lead_id
    from {{ ref('int_mql_entries') }}
),

skipped_mql as (
    select count(*) as reached_mql_without_entry
    from {{ ref('int_lead_stages_reached') }} as stages_reached
    left join mql_entry_leads
        on stages_reached.lead_id = mql_entry_leads.lead_id
    where stages_reached.reached_mql
        and mql_entry_leads.lead_id is null
        and not exists (
            select 1 from leads_out_of_scope
            where leads_out_of_scope.lead_id = stages_reached.lead_id
        )
),

final as (
    select
        handoff.after_eligible,
        handoff.before_eligible,
        handoff.never_eligible,
        handoff.not_handed_off,
        handoff.handed_off_mql_entries,
        eligible.ever_eligible_leads,
        clocks.leads_with_clock,
        clocks.mql_clocks,
        monthly.monthly_mql_entries,
        cohort.reached_mql_leads,
        skipped_mql.reached_mql_without_entry
    from handoff
    cross join eligible
    cross join clocks
    cross join monthly
    cross join cohort
    cross join skipped_mql
)

select * from final
where ever_eligible_leads != after_eligible + before_eligible + not_handed_off
    or leads_with_clock != after_eligible + before_eligible + never_eligible
    or mql_clocks != handed_off_mql_entries
    or monthly_mql_entries != handed_off_mql_entries
    or reached_mql_leads != after_eligible + before_eligible + never_eligible + reached_mql_without_entry
