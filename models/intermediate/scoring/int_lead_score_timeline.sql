-- one row per valid lead x scoring moment up to as_of (int_lead_score_moments: its creation,
-- its activities, its calibration horizon, cap releases and threshold crossings) plus its
-- as_of moment: the lead's current score, decayed from its latest moment to as_of. A view:
-- the moments are stored incrementally, only the as_of rows move with every run.
{{ config(materialized='view') }}
with

moments as (select * from {{ ref('int_lead_score_moments') }}),
as_of as (select * from {{ ref('run_as_of') }}),

moments_to_as_of as (
    select
        moments.*,
        as_of.as_of_at
    from moments
    cross join as_of
    where moments.moment_at <= as_of.as_of_at
),

-- each lead's score at as_of, from its latest moment up to as_of (its creation at least:
-- staging rejects leads created after as_of)
{{ score_at_ctes('as_of_states', 'moments_to_as_of', ['lead_id'], 'as_of_at') }},

as_of_moments as (
    select
        {{ dbt.concat(["lead_id", "'|as_of|'"]) }} as lead_moment_id,
        lead_id,
        'as_of' as moment_type,
        cast(null as {{ dbt.type_string() }}) as activity_id,
        as_of_at as moment_at,
        0 as points,
        profile_score,
        {{ point_in_time_scores('profile_score', 'engagement_points_at') }}
    from as_of_states
),

final as (
    select
        lead_moment_id,
        lead_id,
        moment_type,
        activity_id,
        moment_at,
        points,
        profile_score,
        engagement_score_at,
        lead_score_at,
        is_at_or_above_threshold,
        is_eligibility_candidate
    from moments_to_as_of

    union all

    select
        lead_moment_id,
        lead_id,
        moment_type,
        activity_id,
        moment_at,
        points,
        profile_score,
        engagement_score_at,
        lead_score_at,
        is_at_or_above_threshold,
        -- the lead exists at as_of: a candidate
        true as is_eligibility_candidate
    from as_of_moments
)

select * from final
