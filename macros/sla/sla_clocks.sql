{#- The shared pieces of the speed-to-lead clocks (int_mql_sla_clocks: from MQL entry;
    int_inquiry_response_clocks: from an inquiry), so both clocks end and are judged the same
    way. -#}

{#- The first sales touch at or after each clock start, by any rep; ties go to the smaller
    activity id. `starts` is a CTE with one row per clock (`start_id`, lead_id, `start_at`),
    `touches` a CTE of activities (lead_id, activity_id, occurred_at, owner_id,
    is_sales_touch). Gives one row per touched clock:
    start_id, first_touch_activity_id, first_touch_at, first_touch_by. -#}
{% macro first_sales_touches(starts, start_id, start_at, touches) -%}
    {{ return(adapter.dispatch('first_sales_touches', 'lead_funnel')(starts, start_id, start_at, touches)) }}
{%- endmacro %}

{#- Every clock's touches at or after its start ranked, the first kept. -#}
{% macro default__first_sales_touches(starts, start_id, start_at, touches) -%}
    select
        {{ start_id }},
        first_touch_activity_id,
        first_touch_at,
        first_touch_by
    from (
        select
            {{ starts }}.{{ start_id }},
            sales_touches.activity_id as first_touch_activity_id,
            sales_touches.occurred_at as first_touch_at,
            sales_touches.owner_id as first_touch_by,
            row_number() over (
                partition by {{ starts }}.{{ start_id }}
                order by sales_touches.occurred_at, sales_touches.activity_id
            ) as touch_rank
        from {{ starts }}
        inner join {{ touches }} as sales_touches
            on
                {{ starts }}.lead_id = sales_touches.lead_id
                and {{ starts }}.{{ start_at }} <= sales_touches.occurred_at
        where sales_touches.is_sales_touch
    ) as ranked_touches
    where touch_rank = 1
{%- endmacro %}

{#- The same first touch as aggregates per clock: arg_min by (occurred_at, activity_id), instead
    of sorting every clock's touches for a window (at 1M leads, mart_mql_levels' 3.3M clock x
    touch rows: 1.65 s with the window, 1.09 s with these). The owner is taken with
    arg_min_null: arg_min skips the rows whose value is null, which would give a touch
    without owner the owner of a later touch. first_rows_ctes (the window-free first row of
    macros/cross_database/first_rows.sql) reads the clock x touch join three times: at 200k
    leads 0.27 s for mart_mql_levels against 0.20 s with these (0.31 s with the window). -#}
{% macro duckdb__first_sales_touches(starts, start_id, start_at, touches) -%}
    {%- set touch_order = "{'occurred_at': sales_touches.occurred_at, 'activity_id': sales_touches.activity_id}" -%}
    select
        {{ starts }}.{{ start_id }},
        arg_min(sales_touches.activity_id, {{ touch_order }}) as first_touch_activity_id,
        min(sales_touches.occurred_at) as first_touch_at,
        arg_min_null(sales_touches.owner_id, {{ touch_order }}) as first_touch_by
    from {{ starts }}
    inner join {{ touches }} as sales_touches
        on
            {{ starts }}.lead_id = sales_touches.lead_id
            and {{ starts }}.{{ start_at }} <= sales_touches.occurred_at
    where sales_touches.is_sales_touch
    group by {{ starts }}.{{ start_id }}
{%- endmacro %}

{#- A "touched within a limit" flag: true when the touch came at most `limit` after the clock
    started, false when it came later or the clock has run longer than that untouched at
    as_of, null while untouched and not yet due (like the *_within_sla flags). The duration
    to the touch, the time open and the limit are in one unit (hours or minutes). -#}
{% macro touched_within(first_touch_at, duration_to_first_touch, duration_open, limit) -%}
    case
        when {{ first_touch_at }} is not null then {{ duration_to_first_touch }} <= {{ limit }}
        when {{ duration_open }} > {{ limit }} then false
    end
{%- endmacro %}

{#- The age bucket of a pending MQL's wait (calendar days since the entry; null once
    decided, as `days_waiting` is): under_1_day, 1_to_2_days, 2_to_7_days, 7_to_30_days (7
    up to and including 30 days), over_30_days. -#}
{% macro waiting_age_bucket(days_waiting) -%}
    case
        when {{ days_waiting }} is null then null
        when {{ days_waiting }} < 1 then 'under_1_day'
        when {{ days_waiting }} < 2 then '1_to_2_days'
        when {{ days_waiting }} < 7 then '2_to_7_days'
        when {{ days_waiting }} <= 30 then '7_to_30_days'
        else 'over_30_days'
    end
{%- endmacro %}

{#- The activity types that are a person asking for sales (a hand raise: the inquiry clock's
    start, and the MQL levels' requires_hand_raise): the inquiry_activity_types var. -#}
{% macro inquiry_activity_types() -%}
    {{ return(var('inquiry_activity_types', ['demo_request', 'contact_form', 'free_trial_signup'])) }}
{%- endmacro %}
