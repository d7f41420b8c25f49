-- one row per valid lead x scoring moment: its creation, each of its activities, the
-- calibration horizon (created_at + calibration_horizon_days, when not after as_of) and
-- as_of, with the point-in-time score at that moment. The engagement score at moment t sums
-- the points of the lead's activities at or before t, each decayed by
-- 0.5 ^ ((t - occurred_at) / half_life) (no decay when the half-life is null or 0).
--
-- One window pass per lead, no per-day expansion: with a per-lead anchor t0,
--     sum(points * 0.5 ^ ((t - t_a) / h)) = 0.5 ^ ((t - t0) / h) * cumulative sum(points * 2 ^ ((t_a - t0) / h)).
-- To keep 2 ^ x finite for any half-life, a lead's history is cut into blocks of
-- 200 half-lives, each with its own anchor (t0 = the lead's first moment + k blocks). At
-- t the score is this block's cumulative sum plus the previous block's total, both decayed
-- to t; older blocks have decayed by more than 2 ^ -200 and are left out (an error below
-- 1e-60 of their points).
{%- set half_life = scoring_half_life_days() %}
{%- set block_half_lives = 200 %}
{%- set horizon_days = var('calibration_horizon_days', 30) %}
{%- set days_since_first = days_between('min(moment_at) over (partition by lead_id)', 'moment_at') %}
{%- set half_lives_since_first =
    'cast(' ~ days_since_first ~ ' as ' ~ type_double() ~ ') / ' ~ half_life if half_life else '0' %}
with

leads as (select * from {{ ref('int_leads_profile_scored') }}),
activities as (select * from {{ ref('int_activities_scored') }}),
as_of as (select * from {{ ref('stg_as_of') }}),

moments as (
    select
        activities.lead_id,
        'activity' as moment_type,
        activities.activity_id,
        activities.occurred_at as moment_at,
        activities.points
    from activities

    union all

    select
        lead_id,
        'created' as moment_type,
        cast(null as {{ dbt.type_string() }}) as activity_id,
        created_at as moment_at,
        0 as points
    from leads

    union all

    select
        leads.lead_id,
        'calibration_horizon' as moment_type,
        cast(null as {{ dbt.type_string() }}) as activity_id,
        {{ dbt.dateadd('day', horizon_days, 'leads.created_at') }} as moment_at,
        0 as points
    from leads
    cross join as_of
    where {{ dbt.dateadd('day', horizon_days, 'leads.created_at') }} <= as_of.as_of_at

    union all

    select
        leads.lead_id,
        'as_of' as moment_type,
        cast(null as {{ dbt.type_string() }}) as activity_id,
        as_of.as_of_at as moment_at,
        0 as points
    from leads
    cross join as_of
),

anchored as (
    select
        lead_id,
        moment_type,
        activity_id,
        moment_at,
        points,
        -- without decay every moment is 0 half-lives from the anchor: weights 1, one block,
        -- a plain cumulative sum
        {{ half_lives_since_first }} as half_lives_since_first
    from moments
),

blocked as (
    select
        lead_id,
        moment_type,
        activity_id,
        moment_at,
        points,
        floor(half_lives_since_first / {{ block_half_lives }}) as block_number,
        half_lives_since_first
        - floor(half_lives_since_first / {{ block_half_lives }}) * {{ block_half_lives }} as half_lives_into_block
    from anchored
),

weighted as (
    select
        lead_id,
        moment_type,
        activity_id,
        moment_at,
        points,
        block_number,
        half_lives_into_block,
        points * power(2.0, half_lives_into_block) as anchored_points
    from blocked
),

block_totals as (
    select
        lead_id,
        block_number + 1 as next_block_number,
        sum(anchored_points) as block_anchored_points
    from weighted
    group by lead_id, block_number
),

cumulated as (
    select
        lead_id,
        moment_type,
        activity_id,
        moment_at,
        points,
        block_number,
        half_lives_into_block,
        -- this block's activities at or before the moment (same-time peers included)
        sum(anchored_points) over (
            partition by lead_id, block_number
            order by moment_at
            range between unbounded preceding and current row
        ) as anchored_points_to_moment
    from weighted
),

scored as (
    select
        cumulated.lead_id,
        cumulated.moment_type,
        cumulated.activity_id,
        cumulated.moment_at,
        cumulated.points,
        -- this block decayed from its anchor to the moment, plus the previous block decayed
        -- from its anchor (one block earlier)
        power(0.5, cumulated.half_lives_into_block) * cumulated.anchored_points_to_moment
        + coalesce(
            power(0.5, cumulated.half_lives_into_block + {{ block_half_lives }})
            * previous_block.block_anchored_points,
            0
        ) as engagement_score_at
    from cumulated
    left join block_totals as previous_block
        on cumulated.lead_id = previous_block.lead_id
            and cumulated.block_number = previous_block.next_block_number
),

moment_scores as (
    select
        scored.lead_id,
        scored.moment_type,
        scored.activity_id,
        scored.moment_at,
        scored.points,
        leads.created_at,
        leads.fit_score + leads.negative_score as profile_score,
        {{ round_to('scored.engagement_score_at', 2) }} as engagement_score_at
    from scored
    inner join leads
        on scored.lead_id = leads.lead_id
),

lead_scores as (
    select
        lead_id,
        moment_type,
        activity_id,
        moment_at,
        points,
        created_at,
        profile_score,
        engagement_score_at,
        {{ round_to('profile_score + engagement_score_at', 2) }} as lead_score_at
    from moment_scores
),

final as (
    select
        {{ dbt.concat(["lead_id", "'|'", "moment_type", "'|'", "coalesce(activity_id, '')"]) }} as lead_moment_id,
        lead_id,
        moment_type,
        activity_id,
        moment_at,
        points,
        profile_score,
        engagement_score_at,
        lead_score_at,
        lead_score_at >= {{ var('mql_threshold', 100) }} as is_at_or_above_threshold,
        -- moments at which the lead may first become MQL eligible: its creation, its
        -- activities from then on, and as_of (the calibration horizon is a measurement)
        moment_type != 'calibration_horizon' and moment_at >= created_at as is_eligibility_candidate
    from lead_scores
)

select * from final
