-- one row per account member (a lead matched to an account) x engaged span: a maximal
-- stretch of time in which the member has an engagement activity in the trailing
-- account_engaged_days window. An engagement activity is an activity of a positive-point
-- engagement rule (uncapped_points > 0: a page view counts even once its rule is at its
-- cap; sales touches, bounces and unsubscribes do not), up to as_of. An activity at a makes
-- the member engaged over [a, a + account_engaged_days), from the lead's creation on (a
-- backdated activity counts from created_at); overlapping or touching intervals merge, so
-- at any moment a member is in at most one span. The engaged contacts of an account at t are
-- its spans with engaged_from <= t < engaged_until: counted with one running sum of +1 / -1
-- over the spans' edges (int_account_mqa_evaluations), no pairing of members and moments.
--
-- Incremental per member (macros/accounts/account_incremental.sql): a member's spans depend
-- only on its own activities, creation and account, account_engaged_days and as_of, so a run
-- rebuilds only the members whose fingerprint (int_account_member_fingerprints) changed, the
-- members with an activity between the as_of their spans were built at and the current one,
-- and the members without spans.
{{ account_incremental_config("{{ delete_changed_members() }}") }}
{%- set engaged_days = var('account_engaged_days') %}
with

lead_accounts as (select * from {{ ref('int_lead_accounts') }}),
leads as (select * from {{ ref('stg_leads') }}),
scored_activities as (select * from {{ ref('int_activities_scored') }}),
as_of as (select * from {{ ref('run_as_of') }}),
member_fingerprints as (select * from {{ ref('int_account_member_fingerprints') }}),

-- the members this run builds, with the fingerprint their spans are built from and their
-- creation: every member on a full build; on an incremental run those without spans (new,
-- deleted by the pre-hook, or never engaged). One row per member, joined to its activities
-- once: what the spans need of the member (its account, its fingerprint) is joined again
-- only to the spans, so the activities' sort below carries only the lead and its instants.
members_to_build as (
    select
        lead_accounts.lead_id,
        lead_accounts.account_id,
        member_fingerprints.span_fingerprint as member_fingerprint,
        leads.created_at
    from lead_accounts
    inner join leads
        on lead_accounts.lead_id = leads.lead_id
    left join member_fingerprints
        on lead_accounts.lead_id = member_fingerprints.lead_id
    {%- if is_incremental() %}
    left join (select distinct lead_id from {{ this }}) as built
        on lead_accounts.lead_id = built.lead_id
    where lead_accounts.account_id is not null
        and built.lead_id is null
    {%- else %}
    where lead_accounts.account_id is not null
    {%- endif %}
),

-- the activities of those members: on an incremental run a semi join first, so the stored
-- activities are read once for the few members it rebuilds (DuckDB otherwise joined all of
-- them to their leads first: 8.3 s instead of 4.1 s in a two-day run at 1M leads)
activities as (
    select *
    from scored_activities
    {%- if is_incremental() %}
    where lead_id in (select members_to_build.lead_id from members_to_build)
    {%- endif %}
),

engagement_activities as (
    select
        activities.lead_id,
        activities.activity_id,
        activities.occurred_at,
        case
            when activities.occurred_at < members.created_at then members.created_at
            else activities.occurred_at
        end as engaged_from,
        {{ timestamp_from_epoch_seconds(epoch_seconds('activities.occurred_at') ~ ' + ' ~ engaged_days * 86400) }}
            as engaged_until
    from activities
    inner join members_to_build as members
        on activities.lead_id = members.lead_id
    cross join as_of
    where {{ is_engagement_activity('activities') }}
        and activities.occurred_at <= as_of.as_of_at
),

-- a new span starts when the member was not engaged just before: its previous activity's
-- interval ended before this one starts (ends grow with occurred_at, so the previous end is
-- the latest); a span ends where the next activity starts a new one. One window (one sort of
-- the activities) numbers the activities and flags both edges; a span's first and last
-- activities then give its interval (engaged_from and engaged_until grow with occurred_at)
-- and its activity count, so only the edges are numbered into spans (a second sort of every
-- activity for a running count took a third of this model's time at 1M leads).
ordered_activities as (
    select
        lead_id,
        engaged_from,
        engaged_until,
        row_number() over (
            partition by lead_id
            order by occurred_at, activity_id
        ) as activity_number,
        lag(engaged_until) over (
            partition by lead_id
            order by occurred_at, activity_id
        ) as previous_engaged_until,
        lead(engaged_from) over (
            partition by lead_id
            order by occurred_at, activity_id
        ) as next_engaged_from
    from engagement_activities
    -- a backdated activity whose window closed before the lead existed engages nobody
    where engaged_until > engaged_from
),

span_edges as (
    select
        *,
        previous_engaged_until is null or previous_engaged_until < engaged_from as is_span_start,
        next_engaged_from is null or engaged_until < next_engaged_from as is_span_end
    from ordered_activities
),

numbered as (
    select
        *,
        sum(case when is_span_start then 1 else 0 end) over (
            partition by lead_id
            order by activity_number
            rows between unbounded preceding and current row
        ) as span_number
    from span_edges
    where is_span_start or is_span_end
),

spans as (
    select
        lead_id,
        span_number,
        min(engaged_from) as engaged_from,
        max(engaged_until) as engaged_until,
        max(activity_number) - min(activity_number) + 1 as engagement_activities
    from numbered
    group by
        lead_id,
        span_number
),

final as (
    select
        {{ dbt.concat(["spans.lead_id", "'|'", "cast(spans.span_number as " ~ dbt.type_string() ~ ")"]) }}
            as engaged_span_id,
        members.account_id,
        spans.lead_id,
        spans.span_number,
        spans.engaged_from,
        spans.engaged_until,
        spans.engagement_activities,
        members.member_fingerprint,
        as_of.as_of_at as built_as_of_at,
        {{ written_by_run_id() }} as written_by_run_id
    from spans
    inner join members_to_build as members
        on spans.lead_id = members.lead_id
    cross join as_of
)

select * from final
