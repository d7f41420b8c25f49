-- one row per valid lead x MQL level (seed mql_levels) the lead has reached by as_of: the first
-- moment every condition of the level held (docs/definitions.md#mql-levels). The score
-- condition is judged on the lead's scoring moments (int_lead_score_timeline: its creation,
-- activities, cap releases, threshold crossings and as_of; the same candidates as
-- mql_eligible_at), the activity condition by the lead's first qualifying activity (an
-- activity of the level's activity_types or, with requires_hand_raise, of the
-- inquiry_activity_types var): the level is reached at the first candidate moment at or after
-- that activity at which the score is at or above min_score. A hand raise is itself a scoring
-- moment, so a score-free level is reached at the hand raise (at creation when the activity
-- is dated before the lead). Disqualification is not applied here: scored_leads and
-- mart_mql_levels leave disqualified leads out, as mql_eligible_at does.
--
-- Scale: activities meet levels through the few distinct activity types (no activity x level
-- predicate join), and moments meet levels by lead (a fan-out of the few levels per lead).
{%- set inquiry_types = var('inquiry_activity_types', ['demo_request', 'contact_form', 'free_trial_signup']) %}
{%- set is_inquiry =
    "activity_types.activity_type in ('" ~ inquiry_types | join("', '") ~ "')" if inquiry_types else 'false' %}
{%- set listed_types = dbt.concat(["'|'", "replace(levels.activity_types, ' ', '')", "'|'"]) %}
{%- set type_pattern = dbt.concat(["'%|'", "activity_types.activity_type", "'|%'"]) %}
with

levels as (select * from {{ ref('mql_levels') }}),
profiles as (select * from {{ ref('int_leads_profile_scored') }}),
timeline as (select * from {{ ref('int_lead_score_timeline') }} where is_eligibility_candidate),
scored_activities as (select * from {{ ref('int_activities_scored') }}),
as_of as (select * from {{ ref('run_as_of') }}),

activities as (
    select
        scored_activities.activity_id,
        scored_activities.lead_id,
        scored_activities.activity_type,
        scored_activities.occurred_at
    from scored_activities
    cross join as_of
    where scored_activities.occurred_at <= as_of.as_of_at
),

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

-- the candidate moments at which all of a level's conditions hold
qualifying_moments as (
    select
        lead_levels.lead_id,
        lead_levels.level,
        lead_levels.level_order,
        lead_levels.min_score,
        lead_levels.qualifying_activity_id,
        timeline.lead_moment_id,
        timeline.moment_type,
        timeline.moment_at,
        timeline.lead_score_at
    from lead_levels
    inner join timeline
        on lead_levels.lead_id = timeline.lead_id
    where (lead_levels.qualifying_activity_at is null or timeline.moment_at >= lead_levels.qualifying_activity_at)
        and (lead_levels.min_score is null or timeline.lead_score_at >= lead_levels.min_score)
),

-- the first of them per lead and level (ties: the lowest lead_moment_id). Two grouped
-- minimums, not a row_number() window: the window sorts every candidate moment (several
-- per activity) and was most of this model's time.
first_moment_at as (
    select
        lead_id,
        level,
        min(moment_at) as first_reached_at
    from qualifying_moments
    group by lead_id, level
),

first_moment as (
    select
        qualifying_moments.lead_id,
        qualifying_moments.level,
        min(qualifying_moments.lead_moment_id) as lead_moment_id
    from qualifying_moments
    inner join first_moment_at
        on qualifying_moments.lead_id = first_moment_at.lead_id
            and qualifying_moments.level = first_moment_at.level
            and qualifying_moments.moment_at = first_moment_at.first_reached_at
    group by qualifying_moments.lead_id, qualifying_moments.level
),

final as (
    select
        {{ dbt.concat(["qualifying_moments.lead_id", "'|'", "qualifying_moments.level"]) }} as lead_level_id,
        qualifying_moments.lead_id,
        qualifying_moments.level,
        qualifying_moments.level_order,
        qualifying_moments.moment_at as first_reached_at,
        -- what the lead did at that moment: an activity, its creation, a score crossing, as_of
        qualifying_moments.moment_type as reached_on_moment_type,
        qualifying_moments.lead_score_at as lead_score_at_reached,
        qualifying_moments.min_score,
        qualifying_moments.qualifying_activity_id
    from qualifying_moments
    inner join first_moment
        on qualifying_moments.lead_id = first_moment.lead_id
            and qualifying_moments.level = first_moment.level
            and qualifying_moments.lead_moment_id = first_moment.lead_moment_id
)

select * from final
