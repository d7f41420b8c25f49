-- one row per valid lead x scoring moment up to as_of (int_lead_score_moments: its creation,
-- its activities, its calibration horizon, cap releases and threshold crossings) plus its
-- as_of moment: the lead's current score, decayed from its latest moment to as_of
-- (int_lead_as_of_scores). A view: the moments are stored incrementally, the as_of rows are
-- built once per run.
{{ config(materialized='view') }}
with

moments as (select * from {{ ref('int_lead_score_moments') }}),
as_of as (select * from {{ ref('run_as_of') }}),
-- each lead's score at as_of, built once per run
as_of_moments as (select * from {{ ref('int_lead_as_of_scores') }}),

moments_to_as_of as ({{ moments_up_to_as_of('moments', 'as_of') }}),

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
        is_eligibility_candidate
    from as_of_moments
)

select * from final
