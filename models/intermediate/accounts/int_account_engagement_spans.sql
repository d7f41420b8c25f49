-- one row per account member (a lead matched to an account) x engaged span: a maximal
-- stretch of time in which the member has an engagement activity in the trailing
-- account_engaged_days window. An engagement activity is an activity of a positive-point
-- engagement rule (uncapped_points > 0: a page view counts even once its rule is at its
-- cap; sales touches, bounces and unsubscribes do not), up to as_of. An activity at a makes
-- the member engaged over [a, a + account_engaged_days), from the lead's creation on (a
-- backdated activity counts from created_at); overlapping or touching intervals merge, so
-- at any moment a member is in at most one span. The engaged contacts of an account at t are
-- its spans with engaged_from <= t < engaged_until: counted with one running sum of +1 / -1
-- over the spans' edges (int_account_mqa_moments), no pairing of members and moments.
{%- set engaged_days = account_var('account_engaged_days') %}
with

lead_accounts as (select * from {{ ref('int_lead_accounts') }}),
leads as (select * from {{ ref('stg_leads') }}),
activities as (select * from {{ ref('int_activities_scored') }}),
as_of as (select * from {{ ref('run_as_of') }}),

engagement_activities as (
    select
        lead_accounts.account_id,
        activities.lead_id,
        activities.activity_id,
        activities.occurred_at,
        case
            when activities.occurred_at < leads.created_at then leads.created_at
            else activities.occurred_at
        end as engaged_from,
        {{ timestamp_from_epoch_seconds(epoch_seconds('activities.occurred_at') ~ ' + ' ~ engaged_days * 86400) }}
            as engaged_until
    from activities
    inner join lead_accounts
        on activities.lead_id = lead_accounts.lead_id
    inner join leads
        on activities.lead_id = leads.lead_id
    cross join as_of
    where lead_accounts.account_id is not null
        and activities.uncapped_points > 0
        and activities.occurred_at <= as_of.as_of_at
),

-- a new span starts when the member was not engaged just before: its previous activity's
-- interval ended before this one starts (ends grow with occurred_at, so the previous end is
-- the latest)
span_starts as (
    select
        account_id,
        lead_id,
        activity_id,
        occurred_at,
        engaged_from,
        engaged_until,
        lag(engaged_until) over (
            partition by lead_id
            order by occurred_at, activity_id
        ) as previous_engaged_until
    from engagement_activities
    -- a backdated activity whose window closed before the lead existed engages nobody
    where engaged_until > engaged_from
),

numbered as (
    select
        account_id,
        lead_id,
        activity_id,
        engaged_from,
        engaged_until,
        sum(case when previous_engaged_until >= engaged_from then 0 else 1 end) over (
            partition by lead_id
            order by occurred_at, activity_id
            rows between unbounded preceding and current row
        ) as span_number
    from span_starts
),

final as (
    select
        {{ dbt.concat(["lead_id", "'|'", "cast(span_number as " ~ dbt.type_string() ~ ")"]) }} as engaged_span_id,
        account_id,
        lead_id,
        span_number,
        min(engaged_from) as engaged_from,
        max(engaged_until) as engaged_until,
        count(*) as engagement_activities
    from numbered
    group by
        account_id,
        lead_id,
        span_number
)

select * from final
