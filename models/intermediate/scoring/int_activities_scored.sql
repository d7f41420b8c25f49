-- one row per valid activity (its lead is a valid lead): the points it adds (undecayed, after
-- the caps of every engagement rule it matches, summed; and before the caps), the rules it
-- matched, whether it is a sales touch and whether it is dated before its lead was created
-- (kept, but flagged)
{%- set sales_touch_types = sales_touch_activity_types() %}
{%- set is_sales_touch =
    "activities.activity_type in ('" ~ sales_touch_types | join("', '") ~ "')" if sales_touch_types else 'false' %}
-- Incremental per lead (macros/materializations/incremental.sql): only leads whose inputs changed are
-- rebuilt, and a lead to which the run only added later activities is extended with their rows.
{{ lead_partitioned_config('activity_input_fingerprint', extends_leads=true, lead_index=true) }}
with

leads_to_build as ({{ leads_to_build('activity_input_fingerprint') }}),
-- read by the leads built in full and by the extended ones: inlined into each reader, not
-- stored (DuckDB would write all 20M activities out again, at 1M leads)
lead_activities as {{ inline_cte() }} (
    select * from {{ ref('int_activities_lead_checked') }} where has_known_lead
),
lead_rule_matches as {{ inline_cte() }} (select * from {{ ref('int_activity_rule_matches') }}),

{%- if extends_leads_this_run() %}

-- the leads the pre-hook kept (keep_extended_leads): their latest stored activity
stored_leads as (
    select
        lead_id,
        max(occurred_at) as last_stored_at
    from {{ this }}
    where lead_id in (
        select lead_id from lead_activities
        where written_by_run_id = {{ written_by_run_id() }}
    )
    group by lead_id
),

extended_activities as ({{ extended_lead_activities('lead_activities', 'stored_leads', 'activity_input_fingerprint') }}),
{%- endif %}

activities as (
    {{ rows_of_leads_to_build('lead_activities', with_fingerprint=true) }}
    {%- if extends_leads_this_run() %}

    union all

    select * from extended_activities
    {%- endif %}
),

rule_matches as (
    {{ rows_of_leads_to_build('lead_rule_matches') }}
    {%- if extends_leads_this_run() %}

    union all

    -- written by this run, as every new activity's rule matches are (extended or rebuilt):
    -- a filter of the scan, so the join is between the day's rows only
    select lead_rule_matches.*
    from lead_rule_matches
    where lead_rule_matches.written_by_run_id = {{ written_by_run_id() }}
        and lead_rule_matches.activity_id in (select activity_id from extended_activities)
    {%- endif %}
),

-- the rules an activity matched: its type, and for an attendance its share of the event
-- (a rule's attendance_share condition), so they are listed per activity. An activity of a
-- type only one rule matches has one row at most: it is taken as it is. The others are
-- summed per activity (at 1M leads, summing all 20M rows was a fifth of this model's build).
activity_points as (
    select
        activity_id,
        points,
        rule_points as uncapped_points,
        rule_id as matched_rule_ids
    from rule_matches
    where activity_type_rule_count = 1

    union all

    select
        activity_id,
        sum(points) as points,
        sum(rule_points) as uncapped_points,
        {{ listagg_ordered('rule_id') }} as matched_rule_ids
    from rule_matches
    where coalesce(activity_type_rule_count, 0) != 1
    group by activity_id
),

final as (
    select
        -- ids
        activities.activity_id,
        activities.lead_id,
        activities.owner_id,

        -- strings
        activities.activity_type,
        activities.campaign,
        activities.detail,

        -- numerics
        activities.duration_seconds,
        coalesce(activity_points.points, 0) as points,
        coalesce(activity_points.uncapped_points, 0) as uncapped_points,
        activity_points.matched_rule_ids,

        -- booleans
        activity_points.activity_id is not null as has_scoring_rule,
        {{ is_sales_touch }} as is_sales_touch,
        activities.occurred_at < activities.lead_created_at as is_before_lead_created,

        -- timestamps
        activities.occurred_at,

        -- incremental bookkeeping
        activities.lead_input_fingerprint,
        {{ written_by_run_id() }} as written_by_run_id
    from activities
    left join activity_points
        on activities.activity_id = activity_points.activity_id
)

select * from final
