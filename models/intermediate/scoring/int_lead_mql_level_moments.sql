-- one row per valid lead x MQL level (seed mql_levels) whose profile and activity conditions
-- the lead's stored inputs can meet: the lead's first qualifying activity for the level, and
-- the first stored scoring moment (int_lead_score_moments: creation, activities, cap
-- releases, threshold crossings; no as_of) at or after it at which the score condition held,
-- null when there is none yet. Nothing here depends on as_of, so the model is incremental
-- per lead like the moments it reads (macros/materializations/incremental.sql: a lead is
-- rebuilt only when its inputs, the levels, the hand-raise types or the scoring
-- configuration changed); int_lead_mql_levels judges these rows at as_of
-- (docs/definitions.md#mql-levels).
--
-- Scale: activities meet levels through the few distinct activity types (no activity x level
-- predicate join), moments meet levels by lead (a fan-out of the few levels per lead), and
-- the first moment is two grouped minimums, not a window sorting every candidate moment.
-- The large CTEs read more than once (the activities, the moments, the qualifying moments the
-- minimums read three times) are inlined (inline_cte): stored once, at 1M leads they took
-- 14 s and spilled to disk in a full build; inlined, 6.6 s and half the memory.
{{ lead_partitioned_config('score_input_fingerprint') }}
{%- set inquiry_types = inquiry_activity_types() %}
{%- set is_inquiry =
    "activity_types.activity_type in ('" ~ inquiry_types | join("', '") ~ "')" if inquiry_types else 'false' %}
{%- set listed_types = dbt.concat(["'|'", "replace(levels.activity_types, ' ', '')", "'|'"]) %}
{%- set type_pattern = dbt.concat(["'%|'", "activity_types.activity_type", "'|%'"]) %}
with

leads_to_build as ({{ leads_to_build('score_input_fingerprint') }}),
levels as (select * from {{ ref('mql_levels') }}),
profile_scores as (select {{ profile_score_columns() | join(', ') }} from {{ ref('int_leads_profile_scored') }}),
scored_activities as {{ inline_cte() }} (select * from {{ ref('int_activities_scored') }}),
score_moments as {{ inline_cte() }} (
    select * from {{ ref('int_lead_score_moments') }} where is_eligibility_candidate
),

profiles as ({{ rows_of_leads_to_build('profile_scores', with_fingerprint=true) }}),

activities as {{ inline_cte() }} ({{ rows_of_leads_to_build('scored_activities') }}),

-- on an incremental run, the moments this run wrote (int_lead_score_moments rewrites the
-- moments of the same leads this model builds), not a pass over every stored moment
{{ written_rows_of_leads_to_build_ctes('moments', 'score_moments') }},

activity_types as (
    select distinct activity_type
    from activities
),

-- which activity types qualify for which level: a level's own list, plus the hand raises
level_activity_types as (
    select
        levels.level,
        activity_types.activity_type
    from levels
    cross join activity_types
    where (levels.activity_types is not null and {{ listed_types }} like {{ type_pattern }})
        or (levels.requires_hand_raise and {{ is_inquiry }})
),

-- each lead's first qualifying activity per level (ties: the lowest activity_id)
qualifying_activities as (
    select
        level_activity_types.level,
        activities.lead_id,
        activities.activity_id,
        activities.occurred_at,
        row_number() over (
            partition by level_activity_types.level, activities.lead_id
            order by activities.occurred_at, activities.activity_id
        ) as activity_rank
    from activities
    inner join level_activity_types
        on activities.activity_type = level_activity_types.activity_type
),

-- the leads that may reach each level: the profile condition met, and the activity condition
-- met (when the level has one) from the first qualifying activity on
lead_levels as (
    select
        profiles.lead_id,
        profiles.lead_input_fingerprint,
        levels.level,
        levels.level_order,
        levels.min_score,
        qualifying_activities.activity_id as qualifying_activity_id,
        qualifying_activities.occurred_at as qualifying_activity_at
    from profiles
    cross join levels
    left join qualifying_activities
        on profiles.lead_id = qualifying_activities.lead_id
            and levels.level = qualifying_activities.level
            and qualifying_activities.activity_rank = 1
    where (profiles.is_profile_complete or not levels.requires_complete_profile)
        and (
            qualifying_activities.activity_id is not null
            or (levels.activity_types is null and not levels.requires_hand_raise)
        )
),

-- the stored moments at which all of a level's conditions hold
qualifying_moments as {{ inline_cte() }} (
    select
        lead_levels.lead_id,
        lead_levels.level,
        moments.lead_moment_id,
        moments.moment_type,
        moments.moment_at,
        moments.lead_score_at
    from lead_levels
    inner join moments
        on lead_levels.lead_id = moments.lead_id
    where (lead_levels.qualifying_activity_at is null or moments.moment_at >= lead_levels.qualifying_activity_at)
        and (lead_levels.min_score is null or moments.lead_score_at >= lead_levels.min_score)
),

-- the first of them per lead and level (ties: the lowest lead_moment_id)
{{ first_rows_ctes('first_moments', 'qualifying_moments', ['lead_id', 'level'], 'moment_at', 'lead_moment_id') }},

final as (
    select
        {{ dbt.concat(["lead_levels.lead_id", "'|'", "lead_levels.level"]) }} as lead_level_id,
        lead_levels.lead_id,
        lead_levels.level,
        lead_levels.level_order,
        lead_levels.min_score,
        lead_levels.qualifying_activity_id,
        lead_levels.qualifying_activity_at,
        first_moments.lead_moment_id as first_moment_id,
        first_moments.moment_type as first_moment_type,
        first_moments.moment_at as first_moment_at,
        first_moments.lead_score_at as first_moment_score,
        lead_levels.lead_input_fingerprint,
        {{ written_by_run_id() }} as written_by_run_id
    from lead_levels
    left join first_moments
        on lead_levels.lead_id = first_moments.lead_id
            and lead_levels.level = first_moments.level
)

select * from final
