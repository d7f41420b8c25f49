-- one row per inquiry (an activity whose type is in the inquiry_activity_types var: a person
-- raising a hand): the speed-to-lead clock from the inquiry to the first sales touch at or
-- after it, in calendar and business minutes, judged at as_of. The one definition of the
-- inquiry clock: mart_sla_inquiry_response and mart_sla_compliance select from it.
{%- set inquiry_types = inquiry_activity_types() %}
{%- set is_inquiry =
    "activity_type in ('" ~ inquiry_types | join("', '") ~ "')" if inquiry_types else 'false' %}
with

lead_activities as (select * from {{ ref('int_activities_scored') }}),

leads as (select * from {{ ref('stg_leads') }}),

as_of as (select * from {{ ref('run_as_of') }}),

inquiries as (
    select
        activity_id as inquiry_id,
        lead_id,
        activity_type as inquiry_type,
        occurred_at as inquired_at
    from lead_activities
    where {{ is_inquiry }}
),

-- the first sales touch (any rep) at or after each inquiry (macros/sla/sla_clocks.sql)
first_touches as (
    {{ first_sales_touches('inquiries', 'inquiry_id', 'inquired_at', 'lead_activities') }}
),

clock_moments as (
    select
        inquiries.inquiry_id,
        inquiries.lead_id,
        inquiries.inquiry_type,
        inquiries.inquired_at,
        leads.owner_id as lead_owner_id,
        leads.lead_source,
        first_touches.first_touch_activity_id,
        first_touches.first_touch_at,
        first_touches.first_touch_by,
        as_of.as_of_at,
        {{ business_clock_seconds('inquiries.inquired_at') }} as inquired_business_seconds,
        {{ business_clock_seconds('first_touches.first_touch_at') }} as first_touch_business_seconds
    from inquiries
    cross join as_of
    left join leads
        on inquiries.lead_id = leads.lead_id
    left join first_touches
        on inquiries.inquiry_id = first_touches.inquiry_id
),

clocks as (
    select
        *,
        -- calendar minutes, exact from epoch seconds
        ({{ epoch_seconds('first_touch_at') }} - {{ epoch_seconds('inquired_at') }}) / 60.0 as minutes_to_first_touch,
        ({{ epoch_seconds('as_of_at') }} - {{ epoch_seconds('inquired_at') }}) / 60.0 as minutes_since_inquiry,
        (first_touch_business_seconds - inquired_business_seconds) / 60.0 as business_minutes_to_first_touch
    from clock_moments
),

final as (
    select
        -- ids
        inquiry_id as activity_id,
        lead_id,
        coalesce(lead_owner_id, first_touch_by) as owner_id,
        case
            when lead_owner_id is not null then 'lead_owner'
            when first_touch_by is not null then 'first_touch'
        end as owner_source,
        lead_source,

        -- clock start
        inquiry_type,
        inquired_at,
        cast({{ dbt.date_trunc('month', 'inquired_at') }} as date) as inquiry_month,

        -- first touch
        first_touch_activity_id,
        first_touch_at,
        first_touch_by,
        first_touch_at is not null as is_touched,
        minutes_to_first_touch,
        business_minutes_to_first_touch,
        {{ touched_within('first_touch_at', 'minutes_to_first_touch', 'minutes_since_inquiry', 5) }}
            as touched_within_5_minutes,
        {{ touched_within('first_touch_at', 'minutes_to_first_touch', 'minutes_since_inquiry', 60) }}
            as touched_within_1_hour,
        {{ touched_within('first_touch_at', 'minutes_to_first_touch', 'minutes_since_inquiry', 24 * 60) }}
            as touched_within_24_hours,

        -- still untouched at as_of
        as_of_at,
        case when first_touch_at is null then minutes_since_inquiry end as minutes_waiting
    from clocks
)

select * from final
