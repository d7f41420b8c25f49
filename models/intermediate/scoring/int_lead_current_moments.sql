-- one row per valid lead x scoring moment (int_lead_score_moments) from the lead's latest
-- moment at or before as_of on: the moment its as_of score decays from, and the moments still
-- to come (a calibration horizon, a cap release, a threshold crossing after as_of).
-- int_lead_as_of_scores decays the latest of them at or before as_of to as_of.
--
-- Incremental per lead (macros/materializations/incremental.sql): a lead's rows are built
-- again when its moments changed (score_input_fingerprint), and when as_of went back before
-- them (delete_current_moments_after_as_of). As as_of moves on they still hold its latest
-- moment at or before as_of, and the rows before that one are deleted
-- (delete_moments_before_as_of_state), so the table holds what a full build makes. A daily
-- run reads only the moments it built: int_lead_score_moments rebuilds a lead's moments
-- together, so the leads whose moments changed are the leads whose moments this run wrote
-- (at 1M leads, about 2.6M of 23M moments for a two-day landing).
{{ lead_partitioned_config('score_input_fingerprint', more_pre_hooks=[
    '{{ delete_current_moments_after_as_of() }}', '{{ delete_moments_before_as_of_state() }}',
]) }}
with

-- read twice on an incremental run, inlined: stored once it would be every moment
score_moments as {{ inline_cte() }} (select * from {{ ref('int_lead_score_moments') }}),
as_of as (select * from {{ ref('run_as_of') }}),

{% if is_incremental() -%}
-- the leads without stored rows: new, or deleted by the pre-hooks
leads_to_build as ({{ leads_to_build('score_input_fingerprint') }}),
{%- endif %}

-- their moments: on an incremental run those this run wrote, and all stored moments only for
-- a lead whose moments it did not write (as_of went back before its stored rows: rare)
{{ written_rows_of_leads_to_build_ctes('moments', 'score_moments') }},

moments_to_as_of as ({{ moments_up_to_as_of('moments', 'as_of') }}),

-- each lead's latest moment at or before as_of (its creation at least: staging rejects leads
-- created after as_of)
latest_moments as (
    select
        lead_id,
        max(moment_at) as latest_moment_at
    from moments_to_as_of
    group by lead_id
),

final as (
    select
        moments.lead_moment_id,
        moments.lead_id,
        moments.moment_at,
        moments.profile_score,
        moments.engagement_points,
        moments.capped_rule_points,
        moments.lead_input_fingerprint,
        {{ written_by_run_id() }} as written_by_run_id
    from moments
    inner join latest_moments
        on moments.lead_id = latest_moments.lead_id
            and moments.moment_at >= latest_moments.latest_moment_at
)

select * from final
