-- one row per event campaign with a registration or an attendance of a valid lead: how many
-- leads registered, attended, both or only one, the attendance rate of registrants and the
-- average share of the event attendees stayed for (int_lead_event_outcomes)
with

lead_events as (select * from {{ ref('int_lead_event_outcomes') }}),

per_campaign as (
    select
        campaign,
        max(event_length_seconds) as event_length_seconds,
        max(event_length_source) as event_length_source,
        min(registered_at) as first_registered_at,
        min(attended_at) as first_attended_at,
        sum(case when registrations > 0 then 1 else 0 end) as registered_leads,
        sum(case when attendances > 0 then 1 else 0 end) as attended_leads,
        sum(case when outcome = 'registered_and_attended' then 1 else 0 end) as registered_and_attended_leads,
        sum(case when outcome = 'registered_only' then 1 else 0 end) as registered_only_leads,
        sum(case when outcome = 'attended_only' then 1 else 0 end) as attended_only_leads,
        count(attendance_share) as attended_leads_with_share,
        avg(attendance_share) as average_attendance_share
    from lead_events
    group by campaign
),

final as (
    select
        campaign,
        event_length_seconds,
        event_length_source,
        first_registered_at,
        first_attended_at,
        registered_leads,
        attended_leads,
        registered_and_attended_leads,
        registered_only_leads,
        attended_only_leads,
        -- of the leads who registered, the share who attended (null without registrations)
        {{ safe_ratio('registered_and_attended_leads', 'registered_leads') }} as attendance_rate,
        attended_leads_with_share,
        average_attendance_share
    from per_campaign
)

select * from final
