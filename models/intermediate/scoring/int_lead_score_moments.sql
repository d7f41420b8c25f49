-- one row per valid lead x scoring moment: its creation, each of its activities, its
-- calibration horizon (created_at + calibration_horizon_days), the moments a capped rule's
-- decayed points fall back under its cap, and the moment a rising score (negative points
-- decaying) crosses mql_threshold after one of those, with the point-in-time score at that
-- moment. Nothing here depends on as_of, so the model is incremental per lead
-- (macros/materializations/incremental.sql: a lead is rebuilt only when its inputs or the scoring
-- configuration changed); int_lead_score_timeline adds the as_of score and keeps the
-- moments up to as_of.
--
-- The engagement score at moment t (docs/definitions.md#metric-definitions): for every
-- engagement rule, the points of the lead's activities at or before t that match it, each
-- decayed by 0.5 ^ ((t - occurred_at) / half_life), summed and then capped by the rule's
-- max_points (a ceiling, or a floor for negative points); no decay when the half-life is null
-- or 0. Computed without a per-rule-per-moment expansion:
--     engagement(t) = uncapped(t) - excess(t)
-- uncapped(t) is one decayed running sum over the lead's moments; excess(t) sums, over the
-- periods in which a capped rule's decayed sum is beyond its cap, how far beyond it is (a
-- period starts at one of the rule's activities and ends at its next activity or when the
-- decayed sum has come back to the cap, after half_life * log2(sum / cap) days).
-- Between two moments nothing but decay changes the score (macro engagement_decayed_to).
{{ lead_partitioned_config('score_input_fingerprint', lead_index=true) }}
{%- set half_life = scoring_half_life_days() %}
{%- set horizon_days = var('calibration_horizon_days', 30) %}
{%- set threshold = var('mql_threshold', 100) %}
{#- the columns of a scoring moment, in order: its state (moment_scores) and its scores
    (point_in_time_scores); every kind of moment is unioned on these -#}
{%- set moment_columns = [
    'lead_id', 'moment_type', 'moment_key', 'moment_at', 'points', 'created_at',
    'lead_input_fingerprint', 'profile_score', 'engagement_points', 'capped_rule_points',
    'engagement_score_at', 'lead_score_at', 'is_at_or_above_threshold',
] %}
{%- set release_key = dbt.concat(["excess_spans.rule_id", "'@'",
    "cast(excess_spans.period_start_at as " ~ dbt.type_string() ~ ")"]) %}
with

leads_to_build as ({{ leads_to_build('score_input_fingerprint') }}),
profile_scores as (select {{ profile_score_columns() | join(', ') }} from {{ ref('int_leads_profile_scored') }}),
scored_activities as (select * from {{ ref('int_activities_scored') }}),
activity_rule_matches as (select * from {{ ref('int_activity_rule_matches') }}),

leads as ({{ rows_of_leads_to_build('profile_scores', with_fingerprint=true) }}),

activities as ({{ rows_of_leads_to_build('scored_activities') }}),

rule_matches as ({{ rows_of_leads_to_build('activity_rule_matches') }}),

-- capped rules: per lead, rule and instant, the points the rule's activities add, kept only
-- where the rule's total for the lead passes its cap (otherwise its decayed sum never can).
-- The rule's total is a window over the grouped instants, so rule_matches (one row per
-- activity x rule, ~19M at 1M leads) is read once: a group by of the totals joined back to
-- rule_matches reads it twice and made this model ~25% slower at 1M leads.
capped_rule_instants as (
    select
        lead_id,
        rule_id,
        occurred_at,
        max(max_points) as max_points,
        sum(rule_points) as points,
        sum(sum(rule_points)) over (partition by lead_id, rule_id) as rule_total_points
    from rule_matches
    where max_points is not null
    group by lead_id, rule_id, occurred_at
),

capped_rules_beyond_cap as (
    select
        lead_id,
        rule_id,
        occurred_at,
        max_points,
        points
    from capped_rule_instants
    where abs(rule_total_points) > abs(max_points)
),

{{ decayed_running_sum_ctes(
    'capped_rule_sums', 'capped_rules_beyond_cap', ['lead_id', 'rule_id'], 'occurred_at', 'points'
) }},

rule_sum_periods as (
    select
        lead_id,
        rule_id,
        max_points,
        occurred_at as period_start_at,
        decayed_sum as rule_sum_at_start,
        lead(occurred_at) over (
            partition by lead_id, rule_id
            order by occurred_at
        ) as next_instant_at
    from capped_rule_sums
),

excess_periods as (
    select
        lead_id,
        rule_id,
        max_points,
        period_start_at,
        rule_sum_at_start,
        next_instant_at,
        -- a cap of 0 is never reached again
        case
            when max_points != 0
                then {{ decayed_to_level_at('period_start_at', 'rule_sum_at_start', 'max_points') }}
        end as released_at
    from rule_sum_periods
    where (max_points >= 0 and rule_sum_at_start > max_points)
        or (max_points <= 0 and rule_sum_at_start < max_points)
),

excess_spans as (
    select
        lead_id,
        rule_id,
        max_points,
        period_start_at,
        rule_sum_at_start,
        released_at,
        case
            when next_instant_at is null then released_at
            when released_at is null then next_instant_at
            when released_at < next_instant_at then released_at
            else next_instant_at
        end as period_end_at
    from excess_periods
),

moments as (
    -- each activity with the points it adds before caps (caps apply to the decayed sums)
    select
        lead_id,
        'activity' as moment_type,
        activity_id as moment_key,
        occurred_at as moment_at,
        uncapped_points as points
    from activities

    union all

    select
        lead_id,
        'created' as moment_type,
        '' as moment_key,
        created_at as moment_at,
        0 as points
    from leads

    union all

    select
        leads.lead_id,
        'calibration_horizon' as moment_type,
        '' as moment_key,
        {{ dbt.dateadd('day', horizon_days, 'leads.created_at') }} as moment_at,
        0 as points
    from leads

    union all

    -- a capped rule's decayed sum falls back to its cap before the rule's next activity:
    -- from here on it decays again (the score changes its course)
    select
        excess_spans.lead_id,
        'cap_release' as moment_type,
        {{ release_key }} as moment_key,
        excess_spans.released_at as moment_at,
        0 as points
    from excess_spans
    where excess_spans.released_at = excess_spans.period_end_at
),

{{ decayed_running_sum_ctes(
    'uncapped_sums', 'moments', ['lead_id'], 'moment_at', 'points'
) }},

moment_excess as (
    select
        uncapped_sums.lead_id,
        uncapped_sums.moment_type,
        uncapped_sums.moment_key,
        sum(
            excess_spans.rule_sum_at_start
            * {{ decay_factor(days_between('excess_spans.period_start_at', 'uncapped_sums.moment_at')) }}
            - excess_spans.max_points
        ) as excess_points,
        sum(excess_spans.max_points) as capped_rule_points
    from uncapped_sums
    inner join excess_spans
        on uncapped_sums.lead_id = excess_spans.lead_id
            and uncapped_sums.moment_at >= excess_spans.period_start_at
            and (excess_spans.period_end_at is null or uncapped_sums.moment_at < excess_spans.period_end_at)
    group by
        uncapped_sums.lead_id,
        uncapped_sums.moment_type,
        uncapped_sums.moment_key
),

moment_scores as (
    select
        uncapped_sums.lead_id,
        uncapped_sums.moment_type,
        uncapped_sums.moment_key,
        uncapped_sums.moment_at,
        uncapped_sums.points,
        leads.created_at,
        leads.lead_input_fingerprint,
        leads.fit_score + leads.negative_score as profile_score,
        uncapped_sums.decayed_sum - coalesce(moment_excess.excess_points, 0) as engagement_points,
        -- the rules held at their cap at this moment: their points do not decay until released
        coalesce(moment_excess.capped_rule_points, 0) as capped_rule_points
    from uncapped_sums
    inner join leads
        on uncapped_sums.lead_id = leads.lead_id
    left join moment_excess
        on uncapped_sums.lead_id = moment_excess.lead_id
            and uncapped_sums.moment_type = moment_excess.moment_type
            and uncapped_sums.moment_key = moment_excess.moment_key
),

lead_scores as (
    select
        moment_scores.*,
        {{ point_in_time_scores('profile_score', 'engagement_points') }}
    from moment_scores
),
{%- if half_life %}

-- Between two moments the score is profile + capped + (engagement - capped) * 0.5 ^ (days /
-- half_life). With negative points decaying, (engagement - capped) is negative and the score
-- rises towards profile + capped: it may cross the threshold between two moments. Only leads
-- with negative engagement points can rise.
rising_leads as (
    select distinct lead_id
    from rule_matches
    where rule_points < 0
),

rising_moments as (
    select
        lead_scores.lead_id,
        lead_scores.moment_at,
        lead_scores.created_at,
        lead_scores.lead_input_fingerprint,
        lead_scores.profile_score,
        lead_scores.capped_rule_points,
        lead_scores.lead_score_at,
        lead_scores.profile_score + lead_scores.capped_rule_points as score_limit,
        lead_scores.engagement_points - lead_scores.capped_rule_points as decaying_points,
        lead(lead_scores.moment_at) over (
            partition by lead_scores.lead_id
            order by lead_scores.moment_at
        ) as next_moment_at
    from lead_scores
    inner join rising_leads
        on lead_scores.lead_id = rising_leads.lead_id
),

threshold_crossings as (
    select
        lead_id,
        created_at,
        lead_input_fingerprint,
        profile_score,
        capped_rule_points,
        next_moment_at,
        -- score_limit + decaying_points * 0.5 ^ (days / half_life) = threshold
        {{ decayed_to_level_at('moment_at', 'decaying_points', '(' ~ threshold ~ ' - score_limit)') }}
            as crossed_at
    from rising_moments
    where decaying_points < 0
        and score_limit > {{ threshold }}
        and lead_score_at < {{ threshold }}
),

crossing_moments as (
    select
        lead_id,
        'threshold_crossing' as moment_type,
        -- a score may cross more than once (a new penalty takes it back under)
        cast(crossed_at as {{ dbt.type_string() }}) as moment_key,
        crossed_at as moment_at,
        0 as points,
        created_at,
        lead_input_fingerprint,
        profile_score,
        {{ threshold }} - profile_score as engagement_points,
        capped_rule_points,
        {{ point_in_time_scores('profile_score', '(' ~ threshold ~ ' - profile_score)') }}
    from threshold_crossings
    -- before the next moment; after the last one the score rises until it crosses
    where next_moment_at is null or crossed_at < next_moment_at
),
{%- endif %}

all_moments as (
    select
        {{ moment_columns | join(',\n        ') }}
    from lead_scores
    {%- if half_life %}

    union all

    select
        {{ moment_columns | join(',\n        ') }}
    from crossing_moments
    {%- endif %}
),

-- The window below carries every column of their rows through a sort of all moments (23M at
-- 1M leads), so the rows stay narrow until the last step: an activity moment's key is its
-- activity_id, and lead_moment_id and activity_id are derived from the key after the window.
ceiling_moments as (
    select
        *,
        -- the highest score the lead can have from this moment until its next one: a positive
        -- decaying part of its engagement points only falls, a negative one (a penalty) rises
        -- towards profile_score + capped_rule_points; floored at 0
        greatest(lead_score_at, profile_score + capped_rule_points, 0) as positive_score_ceiling
    from all_moments
),

ceiling_changes as (
    select
        *,
        -- the change of positive_score_ceiling since the lead's previous moment (ties at one
        -- instant in lead_moment_id order: moment_type then moment_key, as no moment type
        -- starts with another): summed over an account's members up to t, it is an upper
        -- bound of the account score at t (int_account_mqa_evaluations). Stored here, per lead
        -- and incrementally, not windowed over every member moment on each run.
        positive_score_ceiling - coalesce(lag(positive_score_ceiling) over (
            partition by lead_id
            order by moment_at, moment_type, moment_key
        ), 0) as score_ceiling_change
    from ceiling_moments
),

final as (
    select
        {{ dbt.concat(["lead_id", "'|'", "moment_type", "'|'", "moment_key"]) }} as lead_moment_id,
        lead_id,
        moment_type,
        case when moment_type = 'activity' then moment_key end as activity_id,
        moment_at,
        points,
        profile_score,
        engagement_points,
        capped_rule_points,
        engagement_score_at,
        lead_score_at,
        is_at_or_above_threshold,
        -- moments at which the lead may first become MQL eligible: from its creation on,
        -- every moment but the calibration horizon (a measurement)
        moment_type != 'calibration_horizon' and moment_at >= created_at as is_eligibility_candidate,
        score_ceiling_change,
        lead_input_fingerprint,
        {{ written_by_run_id() }} as written_by_run_id
    from ceiling_changes
)

select * from final
