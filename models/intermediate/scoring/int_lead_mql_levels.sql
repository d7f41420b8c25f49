-- one row per valid lead x MQL level (seed mql_levels) the lead has reached by as_of: the first
-- moment every condition of the level held (docs/definitions.md#mql-levels). The score
-- condition is judged on the lead's scoring moments (its creation, activities, cap releases,
-- threshold crossings and as_of; the same candidates as mql_eligible_at), the activity
-- condition by the lead's first qualifying activity (an activity of the level's
-- activity_types or, with requires_hand_raise, of the inquiry_activity_types var): the level
-- is reached at the first candidate moment at or after that activity at which the score is
-- at or above min_score. A hand raise is itself a scoring moment, so a score-free level is
-- reached at the hand raise (at creation when the activity is dated before the lead).
-- Disqualification is not applied here: scored_leads and mart_mql_levels leave disqualified
-- leads out, as mql_eligible_at does.
--
-- The stored moments are judged once per lead, incrementally (int_lead_mql_level_moments);
-- only as_of is judged here, on every run: a level is reached at its first stored moment when
-- that is at or before as_of, else at as_of when its conditions hold then (a score that rose
-- past min_score since the lead's latest moment, as a negative rule's points decay). Of the
-- two, the earlier (ties: the lower lead_moment_id) is the first candidate moment, as if
-- every moment up to as_of were ranked.
with

-- read three times, inlined (inline_cte): stored once it took a third more memory
level_moments as {{ inline_cte() }} (select * from {{ ref('int_lead_mql_level_moments') }}),
as_of_scores as (select * from {{ ref('int_lead_score_timeline') }} where moment_type = 'as_of'),

-- the first stored moment, when it is at or before as_of
stored_candidates as (
    select
        level_moments.lead_level_id,
        level_moments.first_moment_id as lead_moment_id,
        level_moments.first_moment_type as moment_type,
        level_moments.first_moment_at as moment_at,
        level_moments.first_moment_score as lead_score_at
    from level_moments
    inner join as_of_scores
        on level_moments.lead_id = as_of_scores.lead_id
    where level_moments.first_moment_at <= as_of_scores.moment_at
),

-- the as_of moment, when the activity condition was met by then and the score is high enough
as_of_candidates as (
    select
        level_moments.lead_level_id,
        as_of_scores.lead_moment_id,
        as_of_scores.moment_type,
        as_of_scores.moment_at,
        as_of_scores.lead_score_at
    from level_moments
    inner join as_of_scores
        on level_moments.lead_id = as_of_scores.lead_id
    where
        (
            level_moments.qualifying_activity_at is null
            or level_moments.qualifying_activity_at <= as_of_scores.moment_at
        )
        and (level_moments.min_score is null or as_of_scores.lead_score_at >= level_moments.min_score)
),

candidates as (
    select * from stored_candidates
    union all
    select * from as_of_candidates
),

-- per lead and level, the first of its (at most two) candidates
ranked_candidates as (
    select
        candidates.*,
        row_number() over (
            partition by candidates.lead_level_id
            order by candidates.moment_at, candidates.lead_moment_id
        ) as candidate_rank
    from candidates
),

final as (
    select
        level_moments.lead_level_id,
        level_moments.lead_id,
        level_moments.level,
        level_moments.level_order,
        ranked_candidates.moment_at as first_reached_at,
        -- what the lead did at that moment: an activity, its creation, a score crossing, as_of
        ranked_candidates.moment_type as reached_on_moment_type,
        ranked_candidates.lead_score_at as lead_score_at_reached,
        level_moments.min_score,
        level_moments.qualifying_activity_id
    from level_moments
    inner join ranked_candidates
        on level_moments.lead_level_id = ranked_candidates.lead_level_id
    where ranked_candidates.candidate_rank = 1
)

select * from final
