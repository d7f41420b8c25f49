-- one row per MQL entry (int_mql_entries): the lead's score at the moment it entered mql
-- (its latest scoring moment at or before the entry, decayed to the entry: score_at_ctes, as
-- int_lead_score_timeline scores as_of) and its priority tier then
with

mql_entries as (select * from {{ ref('int_mql_entries') }}),

moments as (select * from {{ ref('int_lead_score_moments') }}),

-- the scoring moments of the lead at or before each entry (none when the entry predates the
-- lead's creation, a backdated history)
entry_moments as (
    select
        mql_entries.mql_entry_id,
        mql_entries.mql_entered_at,
        moments.moment_at,
        moments.profile_score,
        moments.engagement_points,
        moments.capped_rule_points
    from mql_entries
    inner join moments
        on
            mql_entries.lead_id = moments.lead_id
            and mql_entries.mql_entered_at >= moments.moment_at
),

{{ score_at_ctes('entry_states', 'entry_moments', ['mql_entry_id'], 'mql_entered_at') }},

entry_scores as (
    select
        mql_entry_id,
        {{ point_in_time_scores('profile_score', 'engagement_points_at') }}
    from entry_states
),

final as (
    select
        mql_entries.mql_entry_id,
        mql_entries.lead_id,
        mql_entries.mql_entered_at,
        entry_scores.lead_score_at as lead_score_at_mql_entry,
        case
            when entry_scores.lead_score_at is not null
                then {{ score_band('entry_scores.lead_score_at', var('priority_tier_bands'), 'low') }}
        end as priority_tier_at_mql_entry,
        entry_scores.is_at_or_above_threshold as was_at_or_above_threshold_at_mql_entry
    from mql_entries
    left join entry_scores
        on mql_entries.mql_entry_id = entry_scores.mql_entry_id
)

select * from final
