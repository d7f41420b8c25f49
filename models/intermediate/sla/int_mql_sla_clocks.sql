-- one row per MQL entry (a lead that becomes an MQL again starts new clocks): its first-touch
-- and decision SLA clocks in calendar and business hours, judged against seeds/config/sla_policies.csv
-- at as_of. The one definition of the SLA clocks: the SLA marts and mart_mql_monthly select it.
{%- set abandoned_after_days = var('sla_abandoned_after_days', 30) %}
{%- if abandoned_after_days is not none and (abandoned_after_days is not number or abandoned_after_days < 0) %}
    {{ exceptions.raise_compiler_error(
        "var sla_abandoned_after_days must be a number of days (>= 0; null or 0 = never), got "
        ~ abandoned_after_days) }}
{%- endif %}
with

mql_entries as (select * from {{ ref('int_mql_entries') }}),

leads as (select * from {{ ref('stg_leads') }}),

lead_activities as (select * from {{ ref('int_activities_scored') }}),

as_of as (select * from {{ ref('run_as_of') }}),

sla_policies as (select * from {{ ref('sla_policies') }}),

-- "now" on the business clock, computed once
as_of_clock as (
    select
        as_of_at,
        {{ business_clock_seconds('as_of_at') }} as as_of_business_seconds
    from as_of
),

-- the first sales touch (any rep) at or after each MQL entry (macros/sla/sla_clocks.sql)
first_touches as (
    {{ first_sales_touches('mql_entries', 'mql_entry_id', 'mql_entered_at', 'lead_activities') }}
),

first_touch_policy as (
    select
        cast(target_hours as {{ type_double() }}) as target_hours,
        business_hours as is_business_hours
    from sla_policies
    where start_stage = 'mql' and clock_end = 'first_touch'
),

decision_policy as (
    select
        cast(target_hours as {{ type_double() }}) as target_hours,
        business_hours as is_business_hours
    from sla_policies
    where start_stage = 'mql' and clock_end = 'decision'
),

clock_moments as (
    select
        mql_entries.mql_entry_id,
        mql_entries.lead_id,
        mql_entries.mql_entry_number,
        mql_entries.mql_entered_at,
        leads.owner_id as lead_owner_id,
        first_touches.first_touch_at,
        first_touches.first_touch_by,
        mql_entries.decision,
        mql_entries.decision_stage,
        mql_entries.decided_at,
        mql_entries.decided_by,
        as_of_clock.as_of_at,
        as_of_clock.as_of_business_seconds,
        first_touch_policy.target_hours as first_touch_target_hours,
        first_touch_policy.is_business_hours as is_first_touch_target_in_business_hours,
        decision_policy.target_hours as decision_target_hours,
        decision_policy.is_business_hours as is_decision_target_in_business_hours
    from mql_entries
    cross join as_of_clock
    left join leads
        on mql_entries.lead_id = leads.lead_id
    left join first_touches
        on mql_entries.mql_entry_id = first_touches.mql_entry_id
    left join first_touch_policy
        on 1 = 1
    left join decision_policy
        on 1 = 1
),

-- each moment on the business clock (working seconds of the business_hours schedule since a
-- fixed Monday): a business-hour duration is the difference of two of them
business_clocks as (
    select
        *,
        {{ business_clock_seconds('mql_entered_at') }} as mql_entered_business_seconds,
        {{ business_clock_seconds('first_touch_at') }} as first_touch_business_seconds,
        {{ business_clock_seconds('decided_at') }} as decided_business_seconds
    from clock_moments
),

clocks as (
    select
        *,
        -- calendar hours, exact from epoch seconds, and business hours of each clock
        {{ hours_between('mql_entered_at', 'first_touch_at') }} as hours_to_first_touch,
        (first_touch_business_seconds - mql_entered_business_seconds) / 3600.0 as business_hours_to_first_touch,
        {{ hours_between('mql_entered_at', 'decided_at') }} as hours_to_decision,
        (decided_business_seconds - mql_entered_business_seconds) / 3600.0 as business_hours_to_decision,
        -- how long an open clock has been running at as_of
        {{ hours_between('mql_entered_at', 'as_of_at') }} as hours_since_mql,
        (as_of_business_seconds - mql_entered_business_seconds) / 3600.0 as business_hours_since_mql
    from business_clocks
),

-- each clock in its policy's unit (business or calendar hours): to its end, or to as_of
measured as (
    select
        *,
        case
            when is_first_touch_target_in_business_hours then business_hours_to_first_touch
            else hours_to_first_touch
        end as first_touch_sla_hours,
        case
            when is_first_touch_target_in_business_hours then business_hours_since_mql
            else hours_since_mql
        end as first_touch_open_sla_hours,
        case
            when is_decision_target_in_business_hours then business_hours_to_decision
            else hours_to_decision
        end as decision_sla_hours,
        case
            when is_decision_target_in_business_hours then business_hours_since_mql
            else hours_since_mql
        end as decision_open_sla_hours,
        -- the rep who acted first on the entry (a touch wins a tie; a null rep falls back to
        -- the other event's)
        case
            when decided_at < first_touch_at or first_touch_at is null then 'decision'
            else 'first_touch'
        end as first_acting_event
    from clocks
),

owners as (
    select
        *,
        case
            when lead_owner_id is not null then 'lead_owner'
            when first_acting_event = 'decision' and decided_by is not null then 'decision'
            when first_touch_by is not null then 'first_touch'
            when decided_by is not null then 'decision'
        end as owner_source
    from measured
),

final as (
    select
        -- ids
        mql_entry_id,
        lead_id,
        mql_entry_number,
        case owner_source
            when 'lead_owner' then lead_owner_id
            when 'first_touch' then first_touch_by
            when 'decision' then decided_by
        end as owner_id,
        owner_source,

        -- clock start
        mql_entered_at,
        cast({{ dbt.date_trunc('month', 'mql_entered_at') }} as date) as mql_month,

        -- first-touch clock
        first_touch_at,
        first_touch_by,
        hours_to_first_touch,
        business_hours_to_first_touch,
        first_touch_target_hours,
        is_first_touch_target_in_business_hours,
        {{ touched_within('first_touch_at', 'hours_to_first_touch', 'hours_since_mql', 1) }} as first_touch_within_1h,
        case
            when first_touch_at is not null then first_touch_sla_hours <= first_touch_target_hours
            when first_touch_open_sla_hours > first_touch_target_hours then false
        end as first_touch_within_sla,

        -- decision clock
        decision,
        decision_stage,
        decided_at,
        decided_by,
        hours_to_decision,
        business_hours_to_decision,
        decision_target_hours,
        is_decision_target_in_business_hours,
        case
            when decided_at is not null then decision_sla_hours <= decision_target_hours
            when decision_open_sla_hours > decision_target_hours then false
        end as decision_within_sla,

        -- open decision clocks at as_of (the breach alert list)
        as_of_at,
        case when decided_at is null then hours_since_mql end as hours_waiting,
        case when decided_at is null then business_hours_since_mql end as business_hours_waiting,
        coalesce(decided_at is null and decision_open_sla_hours > decision_target_hours, false) as is_breached,
        case
            when decided_at is null and decision_open_sla_hours > decision_target_hours
                then decision_open_sla_hours - decision_target_hours
        end as hours_past_decision_target,
        {{ waiting_age_bucket('case when decided_at is null then hours_since_mql / 24 end') }} as waiting_age_bucket,
        {% if abandoned_after_days -%}
        coalesce(decided_at is null and hours_since_mql > {{ abandoned_after_days * 24 }}, false)
        {%- else -%}
        false
        {%- endif %} as is_abandoned
    from owners
)

select * from final
