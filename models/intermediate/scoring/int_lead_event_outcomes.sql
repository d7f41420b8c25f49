-- one row per lead x event campaign: a valid lead's registrations (var
-- event_registration_activity_types) and attendances (var event_attendance_activity_types)
-- of one campaign, paired. outcome: registered_only, attended_only or
-- registered_and_attended (whatever the order: an on-demand viewer may register after
-- watching). attended_seconds adds up every attendance's duration (a viewer who dropped and
-- rejoined has several), and its share of the event (int_campaign_event_lengths) is at most 1.
-- Activities without a campaign cannot be paired and are left out.
{%- set registration_types = var('event_registration_activity_types', ['webinar_registered']) %}
{%- set attendance_types = event_attendance_activity_types() %}
with

lead_activities as (select * from {{ ref('int_activities_lead_checked') }} where has_known_lead),
event_lengths as (select * from {{ ref('int_campaign_event_lengths') }}),

event_activities as (
    select
        lead_id,
        campaign,
        occurred_at,
        duration_seconds,
        {{ activity_type_in('activity_type', registration_types) }} as is_registration,
        {{ activity_type_in('activity_type', attendance_types) }} as is_attendance
    from lead_activities
    where campaign is not null
        and (
            {{ activity_type_in('activity_type', registration_types) }}
            or {{ activity_type_in('activity_type', attendance_types) }}
        )
),

paired as (
    select
        lead_id,
        campaign,
        min(case when is_registration then occurred_at end) as registered_at,
        sum(case when is_registration then 1 else 0 end) as registrations,
        min(case when is_attendance then occurred_at end) as attended_at,
        sum(case when is_attendance then 1 else 0 end) as attendances,
        -- null when no attendance has a duration (never 0 for "unknown")
        sum(case when is_attendance then duration_seconds end) as attended_seconds
    from event_activities
    group by lead_id, campaign
),

final as (
    select
        {{ dbt.concat(["paired.lead_id", "'|'", "paired.campaign"]) }} as lead_event_id,
        paired.lead_id,
        paired.campaign,
        paired.registered_at,
        paired.registrations,
        paired.attended_at,
        paired.attendances,
        paired.attended_seconds,
        event_lengths.event_length_seconds,
        event_lengths.event_length_source,
        {{ attendance_share('paired.attended_seconds', 'event_lengths.event_length_seconds') }} as attendance_share,
        case
            when paired.registrations > 0 and paired.attendances > 0 then 'registered_and_attended'
            when paired.registrations > 0 then 'registered_only'
            else 'attended_only'
        end as outcome
    from paired
    left join event_lengths
        on paired.campaign = event_lengths.campaign
)

select * from final
