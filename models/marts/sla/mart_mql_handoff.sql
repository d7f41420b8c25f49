-- one row per lead that was ever MQL-eligible by score (scored_leads.mql_eligible_at) or was
-- ever handed off to sales as an MQL (an MQL entry, int_mql_entries): how the score and the
-- CRM agree. handoff_status: handed_off_after_eligible (eligible, then handed off),
-- handed_off_before_eligible (handed off while below the threshold, eligible only later),
-- handed_off_never_eligible (handed off, never eligible), eligible_not_handed_off (eligible,
-- never entered MQL: the list that fixes routing, with the days it has waited since it
-- became eligible)
with

scored_leads as (select * from {{ ref('scored_leads') }}),
mql_entries as (select * from {{ ref('int_mql_entries') }}),
stages_reached as (select * from {{ ref('int_lead_stages_reached') }}),
as_of as (select as_of_at from {{ ref('run_as_of') }}),

handoffs as (
    select
        lead_id,
        min(mql_entered_at) as first_mql_entered_at,
        max(mql_entered_at) as last_mql_entered_at,
        cast(count(*) as {{ dbt.type_bigint() }}) as mql_entries
    from mql_entries
    group by lead_id
),

leads as (
    select
        scored_leads.lead_id,
        scored_leads.owner_id,
        scored_leads.lead_source,
        scored_leads.acquisition_offer,
        scored_leads.lead_score,
        scored_leads.priority_tier,
        scored_leads.is_mql_eligible,
        scored_leads.mql_eligible_at,
        scored_leads.current_stage,
        scored_leads.created_at,
        handoffs.first_mql_entered_at,
        handoffs.last_mql_entered_at,
        coalesce(handoffs.mql_entries, 0) as mql_entries,
        stages_reached.reached_mql,
        stages_reached.reached_sql
    from scored_leads
    left join handoffs
        on scored_leads.lead_id = handoffs.lead_id
    left join stages_reached
        on scored_leads.lead_id = stages_reached.lead_id
    where scored_leads.mql_eligible_at is not null
        or handoffs.lead_id is not null
),

final as (
    select
        -- grain
        leads.lead_id,

        -- who and where
        leads.owner_id,
        leads.lead_source,
        leads.acquisition_offer,
        leads.current_stage,

        -- the score's side
        leads.mql_eligible_at is not null as is_score_eligible,
        leads.mql_eligible_at,
        leads.is_mql_eligible,
        leads.lead_score,
        leads.priority_tier,

        -- the CRM's side
        leads.first_mql_entered_at is not null as is_handed_off,
        leads.first_mql_entered_at,
        leads.last_mql_entered_at,
        leads.mql_entries,

        -- how they agree
        case
            when leads.first_mql_entered_at is null then 'eligible_not_handed_off'
            when leads.mql_eligible_at is null then 'handed_off_never_eligible'
            when leads.first_mql_entered_at < leads.mql_eligible_at then 'handed_off_before_eligible'
            else 'handed_off_after_eligible'
        end as handoff_status,
        leads.first_mql_entered_at is not null
        and (leads.mql_eligible_at is null or leads.first_mql_entered_at < leads.mql_eligible_at)
            as is_handed_off_below_threshold,
        case
            when leads.first_mql_entered_at is null
                then {{ days_between('leads.mql_eligible_at', 'as_of.as_of_at') }}
        end as days_since_eligible,
        case
            when leads.first_mql_entered_at >= leads.mql_eligible_at
                then {{ days_between('leads.mql_eligible_at', 'leads.first_mql_entered_at') }}
        end as days_from_eligible_to_handoff,

        -- the funnel (the reached rule): a lead can reach MQL by skipping it (straight to
        -- SAL, SQL ...) without an MQL entry
        leads.reached_mql,
        leads.reached_sql,
        leads.created_at
    from leads
    cross join as_of
)

select * from final
