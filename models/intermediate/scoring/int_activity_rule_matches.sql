-- one row per valid activity x engagement scoring rule its activity_type matches, with the
-- points it adds after the rule's cap: max_points caps the rule's total for one lead and is
-- applied in time order (ties by activity_id) on undecayed points, so an activity gets what
-- is left of the cap after the lead's earlier activities (0 once the cap is reached). A rule
-- with an attendance_share condition matches only attendances (var
-- event_attendance_activity_types) whose share of their event's length is within it; an
-- attendance whose share is unknown (no duration, no campaign, no length) reads as a whole
-- attendance (1), so data without durations scores as it did before the condition existed.
-- Incremental per lead (macros/materializations/incremental.sql): only leads whose inputs changed are
-- rebuilt, and a lead to which the run only added later activities is extended: the added
-- activities' rows are computed, each rule's cap going on from the lead's stored rows.
{{ lead_partitioned_config('activity_input_fingerprint', extends_leads=true, lead_index=true) }}
{%- set attendance_types = event_attendance_activity_types() %}
with

leads_to_build as ({{ leads_to_build('activity_input_fingerprint') }}),
-- read by the leads built in full and by the extended ones: inlined into each reader, not
-- stored (DuckDB would write all 20M activities out again, at 1M leads)
lead_activities as {{ inline_cte() }} (
    select * from {{ ref('int_activities_lead_checked') }} where has_known_lead
),
rules as (select * from {{ ref('int_scoring_rules_parsed') }} where category = 'engagement'),
-- one row per event campaign: joined once, never one activity to another
event_lengths as (select * from {{ ref('int_campaign_event_lengths') }}),

activities_to_build as ({{ rows_of_leads_to_build('lead_activities', with_fingerprint=true) }}),
{%- if extends_leads_this_run() %}

-- the leads the pre-hook kept (keep_extended_leads): per rule, the points their stored rows
-- add up to, from which the rule's cap goes on
stored_rule_points as (
    select
        lead_id,
        rule_id,
        sum(rule_points) as rule_points_stored,
        max(occurred_at) as last_stored_at
    from {{ this }}
    where lead_id in (
        select lead_id from lead_activities
        where written_by_run_id = {{ written_by_run_id() }}
    )
    group by lead_id, rule_id
),

stored_leads as (
    select
        lead_id,
        max(last_stored_at) as last_stored_at
    from stored_rule_points
    group by lead_id
),

extended_activities as ({{ extended_lead_activities('lead_activities', 'stored_leads', 'activity_input_fingerprint') }}),
{%- endif %}

activities_in_run as (
    select * from activities_to_build
    {%- if extends_leads_this_run() %}

    union all

    select * from extended_activities
    {%- endif %}
),

-- an attendance's share of its event (null for other activities, an unknown duration or an
-- event without a length) and the share the rules' conditions read (unknown: 1; null for
-- an activity that is not an attendance, which no condition matches)
activities_with_length as (
    select
        activities_in_run.activity_id,
        activities_in_run.lead_id,
        activities_in_run.activity_type,
        activities_in_run.occurred_at,
        activities_in_run.lead_input_fingerprint,
        activities_in_run.duration_seconds,
        event_lengths.event_length_seconds,
        {{ activity_type_in('activities_in_run.activity_type', attendance_types) }} as is_attendance
    from activities_in_run
    left join event_lengths
        on activities_in_run.campaign = event_lengths.campaign
),

activities as (
    select
        activity_id,
        lead_id,
        activity_type,
        occurred_at,
        lead_input_fingerprint,
        case
            when is_attendance then {{ attendance_share('duration_seconds', 'event_length_seconds') }}
        end as attendance_share,
        case
            when is_attendance then coalesce({{ attendance_share('duration_seconds', 'event_length_seconds') }}, 1)
        end as rule_share
    from activities_with_length
),

-- the rules are matched once per distinct activity type, then joined to the activities
activity_types as (
    select distinct activity_type
    from activities
),

activity_type_rules as (
    select
        activity_types.activity_type,
        rules.rule_id,
        rules.points,
        rules.max_points,
        rules.is_disqualifying,
        rules.has_share_condition,
        rules.share_low,
        rules.share_high,
        -- an activity of a type one rule matches has at most this one row: int_activities_scored
        -- takes its points as they are, without summing the rows of each activity
        count(*) over (partition by activity_types.activity_type) as activity_type_rule_count
    from activity_types
    inner join rules
        on {{ scoring_rule_matches('activity_types.activity_type', 'rules') }}
),

matched as (
    select
        activities.activity_id,
        activities.lead_id,
        activities.activity_type,
        activities.occurred_at,
        activities.lead_input_fingerprint,
        activities.attendance_share,
        activity_type_rules.rule_id,
        activity_type_rules.points as rule_points,
        activity_type_rules.max_points,
        activity_type_rules.is_disqualifying,
        activity_type_rules.activity_type_rule_count,
        coalesce(sum(activity_type_rules.points) over (
            partition by activities.lead_id, activity_type_rules.rule_id
            order by activities.occurred_at, activities.activity_id
            rows between unbounded preceding and 1 preceding
        ), 0)
        {%- if extends_leads_this_run() %} + coalesce(stored_rule_points.rule_points_stored, 0){% endif %}
            as rule_points_before
    from activities
    inner join activity_type_rules
        on
            activities.activity_type = activity_type_rules.activity_type
            and {{ attendance_share_matches('activities.rule_share', 'activity_type_rules') }}
    {%- if extends_leads_this_run() %}
    -- an extended lead's earlier matches of the rule (none for a lead built in full)
    left join stored_rule_points
        on activities.lead_id = stored_rule_points.lead_id
            and activity_type_rules.rule_id = stored_rule_points.rule_id
    {%- endif %}
),

final as (
    select
        {{ dbt.concat(["activity_id", "'|'", "rule_id"]) }} as activity_rule_id,
        activity_id,
        lead_id,
        activity_type,
        occurred_at,
        rule_id,
        rule_points,
        max_points,
        rule_points_before,
        {{ capped_points('rule_points', 'max_points', 'rule_points_before') }} as points,
        is_disqualifying,
        attendance_share,
        activity_type_rule_count,
        lead_input_fingerprint,
        {{ written_by_run_id() }} as written_by_run_id
    from matched
)

select * from final
