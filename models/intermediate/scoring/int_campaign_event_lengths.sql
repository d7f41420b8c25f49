-- one row per event campaign: a campaign with a row in seeds/config/campaign_events.csv or
-- with at least one attendance activity (var event_attendance_activity_types) of a valid lead,
-- and the length an attendance's share is read against: the configured length, else the
-- campaign's longest attendance. The longest attendance is only known once every attendance
-- has landed (a later, longer one lengthens the event and lowers the earlier shares): the
-- leads it touches are re-fingerprinted (int_lead_input_fingerprints), so their scores are
-- rebuilt with it; configure the event's length for shares fixed at the event.
{%- set attendance_types = event_attendance_activity_types() %}
with

campaign_events as (select * from {{ ref('campaign_events') }}),
lead_activities as (select * from {{ ref('int_activities_lead_checked') }} where has_known_lead),

configured as (
    select
        trim(campaign) as campaign,
        -- a duplicated row (the seed's unique test fails) takes the longest length
        max(cast(event_length_minutes as {{ type_double() }}) * 60) as configured_length_seconds
    from campaign_events
    where event_length_minutes > 0
    group by trim(campaign)
),

-- one aggregate per campaign over its attendances, joined once to what reads it
attended as (
    select
        campaign,
        count(*) as attendance_activities,
        max(duration_seconds) as longest_attendance_seconds
    from lead_activities
    where campaign is not null
        and {{ activity_type_in('activity_type', attendance_types) }}
    group by campaign
),

final as (
    select
        coalesce(configured.campaign, attended.campaign) as campaign,
        configured.configured_length_seconds,
        attended.longest_attendance_seconds,
        coalesce(attended.attendance_activities, 0) as attendance_activities,
        case
            when configured.configured_length_seconds is not null
                then configured.configured_length_seconds
            when attended.longest_attendance_seconds > 0
                then cast(attended.longest_attendance_seconds as {{ type_double() }})
        end as event_length_seconds,
        case
            when configured.configured_length_seconds is not null then 'configured'
            when attended.longest_attendance_seconds > 0 then 'longest_attendance'
        end as event_length_source
    from configured
    full outer join attended
        on configured.campaign = attended.campaign
)

select * from final
