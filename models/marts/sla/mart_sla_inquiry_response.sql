-- one row per inquiry (an activity whose type is in the inquiry_activity_types var: a demo
-- request, a contact form, a trial signup): how fast sales touched the person who raised a
-- hand, in calendar and business minutes (the clock is defined once, in
-- int_inquiry_response_clocks)
with

inquiry_clocks as (select * from {{ ref('int_inquiry_response_clocks') }}),

final as (
    select
        -- ids
        activity_id,
        lead_id,
        owner_id,
        owner_source,
        lead_source,

        -- clock start
        inquiry_type,
        inquired_at,
        inquiry_month,

        -- speed to lead
        first_touch_activity_id,
        first_touch_at,
        first_touch_by,
        is_touched,
        minutes_to_first_touch,
        business_minutes_to_first_touch,
        touched_within_5_minutes,
        touched_within_1_hour,
        touched_within_24_hours,

        -- still untouched at as_of
        as_of_at,
        minutes_waiting
    from inquiry_clocks
)

select * from final
