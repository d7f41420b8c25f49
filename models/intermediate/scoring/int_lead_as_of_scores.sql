-- one row per valid lead: its score at as_of, decayed from its latest scoring moment at or
-- before as_of (int_lead_score_moments, through int_lead_current_moments: the lead's moments
-- from that one on): the lead's as_of moment of int_lead_score_timeline. A table built once
-- per run: every model that reads the as_of scores through the timeline (scored_leads,
-- int_lead_mql_levels, int_lead_score_backtest, int_accounts) reads these rows instead of
-- deriving them again from every stored moment (at 1M leads, 10 s each).
with

moments as (select * from {{ ref('int_lead_current_moments') }}),
as_of as (select * from {{ ref('run_as_of') }}),

moments_to_as_of as ({{ moments_up_to_as_of('moments', 'as_of') }}),

-- each lead's score at as_of, from its latest moment up to as_of (its creation at least:
-- staging rejects leads created after as_of)
{{ score_at_ctes('as_of_states', 'moments_to_as_of', ['lead_id'], 'as_of_at') }},

final as (
    select
        {{ dbt.concat(["lead_id", "'|as_of|'"]) }} as lead_moment_id,
        lead_id,
        'as_of' as moment_type,
        cast(null as {{ dbt.type_string() }}) as activity_id,
        as_of_at as moment_at,
        0 as points,
        profile_score,
        {{ point_in_time_scores('profile_score', 'engagement_points_at') }},
        -- the lead exists at as_of: a candidate
        true as is_eligibility_candidate
    from as_of_states
)

select * from final
