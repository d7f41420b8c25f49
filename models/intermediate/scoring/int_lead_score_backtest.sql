-- one row per mature valid lead (created at least backtest_outcome_window_days before
-- as_of): what the score backtest needs to know about it, with no outcome leaking into a
-- score. peak_score_before_sql is the highest point-in-time score the lead had before its
-- first SQL (every moment up to as_of when it never became SQL): at a candidate threshold T
-- the lead is routed (its score first reached T before its first SQL, or it never became
-- SQL) exactly when peak_score_before_sql >= T, and a hit when it is routed and became SQL
-- afterwards. Between stored moments only decay changes the score, so the peak is a stored
-- moment's score or, for a score still rising when the lead became SQL (a penalty
-- decaying), the score it had risen to by the SQL instant, less one rounding unit (it
-- reached every score below that before the SQL, that score itself only at the SQL). The
-- calibration columns read the score at the calibration horizon and whether the lead was
-- already SQL then (calibration excludes those) or became SQL after it.
{%- set outcome_window_days = var('backtest_outcome_window_days', 90) %}
-- The timeline (every stored moment) is read twice and inlined (inline_cte): stored once for
-- both readers it took more time and twice the memory at 1M leads.
with

timeline as {{ inline_cte() }} (select * from {{ ref('int_lead_score_timeline') }}),
moments as (select * from {{ ref('int_lead_score_moments') }}),
stages_reached as (select * from {{ ref('int_lead_stages_reached') }}),
as_of as (select as_of_at from {{ ref('run_as_of') }}),

mature_leads as (
    select
        stages_reached.lead_id,
        stages_reached.created_at,
        stages_reached.reached_sql,
        stages_reached.first_sql_at
    from stages_reached
    cross join as_of
    where {{ dbt.dateadd('day', outcome_window_days, 'stages_reached.created_at') }} <= as_of.as_of_at
),

-- the moments a lead could have been routed at: from its creation (eligibility candidates:
-- not the calibration horizon, a measurement) up to as_of, strictly before its first SQL
peaks_before_sql as (
    select
        mature_leads.lead_id,
        max(timeline.lead_score_at) as peak_score_before_sql
    from mature_leads
    inner join timeline
        on mature_leads.lead_id = timeline.lead_id
    where timeline.is_eligibility_candidate
        and (mature_leads.first_sql_at is null or timeline.moment_at < mature_leads.first_sql_at)
    group by mature_leads.lead_id
),

-- each SQL lead's stored moments before its first SQL (its creation at least)
moments_before_sql as (
    select
        mature_leads.lead_id,
        mature_leads.first_sql_at,
        moments.moment_at,
        moments.profile_score,
        moments.engagement_points,
        moments.capped_rule_points
    from mature_leads
    inner join moments
        on mature_leads.lead_id = moments.lead_id
    where mature_leads.first_sql_at > mature_leads.created_at
        and moments.moment_at < mature_leads.first_sql_at
),

-- the score at the SQL instant, from the last moment before it
{{ score_at_ctes('states_at_sql', 'moments_before_sql', ['lead_id'], 'first_sql_at') }},

-- a score rising into the SQL (the decaying part of its engagement points is negative):
-- the score at the SQL instant, less one rounding unit (1e-9, point_in_time_scores)
scores_rising_into_sql as (
    select
        lead_id,
        {{ round_to('profile_score + engagement_points_at', 9) }} - 1e-9 as score_just_before_sql
    from states_at_sql
    where engagement_points < capped_rule_points
),

horizon_scores as (
    select
        lead_id,
        moment_at as horizon_at,
        lead_score_at as lead_score_at_horizon
    from timeline
    where moment_type = 'calibration_horizon'
),

final as (
    select
        mature_leads.lead_id,
        mature_leads.created_at,
        mature_leads.reached_sql,
        mature_leads.first_sql_at,
        case
            when scores_rising_into_sql.score_just_before_sql > peaks_before_sql.peak_score_before_sql
                then scores_rising_into_sql.score_just_before_sql
            else peaks_before_sql.peak_score_before_sql
        end as peak_score_before_sql,
        horizon_scores.horizon_at,
        horizon_scores.lead_score_at_horizon,
        coalesce(mature_leads.first_sql_at <= horizon_scores.horizon_at, false) as is_sql_at_horizon,
        coalesce(mature_leads.first_sql_at > horizon_scores.horizon_at, false) as reached_sql_after_horizon
    from mature_leads
    left join peaks_before_sql
        on mature_leads.lead_id = peaks_before_sql.lead_id
    left join scores_rising_into_sql
        on mature_leads.lead_id = scores_rising_into_sql.lead_id
    left join horizon_scores
        on mature_leads.lead_id = horizon_scores.lead_id
)

select * from final
