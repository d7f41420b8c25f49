-- one row per opportunity x campaign touch that counts for it
-- (docs/definitions.md#campaign-attribution): an activity of the opportunity's lead that
-- names a campaign, at or before the opportunity opened (a touch after it never counts) and
-- no longer than attribution_window_days before it (null or 0: no window). Numbered in time
-- order (ties by activity_id), with the count of touches of the opportunity and which touch
-- created the lead: the one list of touches that fct_opportunities' first and last campaign
-- and every attribution model read.
{%- set window_days = var('attribution_window_days') %}
with

opportunities as (select * from {{ ref('int_opportunities') }}),

activities as (
    select * from {{ ref('int_activities_lead_checked') }}
    where has_known_lead and campaign is not null
),

touches as (
    select
        opportunities.opportunity_id,
        opportunities.lead_id,
        opportunities.opened_at,
        opportunities.lead_created_at,
        activities.activity_id,
        activities.activity_type,
        activities.campaign,
        activities.occurred_at as touched_at
    from opportunities
    inner join activities
        on opportunities.lead_id = activities.lead_id
            and activities.occurred_at <= opportunities.opened_at
            {%- if window_days %}
            and activities.occurred_at >= {{ dbt.dateadd('day', -1 * window_days | int, 'opportunities.opened_at') }}
            {%- endif %}
),

numbered as (
    select
        opportunity_id,
        lead_id,
        activity_id,
        activity_type,
        campaign,
        touched_at,
        lead_created_at,
        row_number() over (
            partition by opportunity_id
            order by touched_at, activity_id
        ) as touch_number,
        count(*) over (partition by opportunity_id) as opportunity_touches
    from touches
),

-- the lead-creation touch (W-shaped attribution): the last counted touch at or before the
-- lead's created_at (the activity that created the lead often carries its very timestamp),
-- else the first counted touch, which is then the first after the creation
lead_creation as (
    select
        *,
        coalesce(
            max(case when touched_at <= lead_created_at then touch_number end) over (
                partition by opportunity_id
            ),
            1
        ) as lead_creation_touch_number
    from numbered
),

final as (
    select
        opportunity_id,
        lead_id,
        activity_id,
        activity_type,
        campaign,
        touched_at,
        touch_number,
        opportunity_touches,
        touch_number = lead_creation_touch_number as is_lead_creation_touch
    from lead_creation
)

select * from final
