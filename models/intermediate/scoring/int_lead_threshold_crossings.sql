-- one row per valid lead: its first stored scoring moment (int_lead_score_moments) that is an
-- eligibility candidate (from its creation on, not the calibration horizon) with the score
-- at or above the threshold (var mql_threshold), before or after as_of; null when there is
-- none. Nothing here depends on as_of, so the model is incremental per lead like the moments
-- it reads (macros/materializations/incremental.sql), and a daily run reads only the moments
-- it wrote. scored_leads judges it at as_of: the first moment at or above the threshold up to
-- as_of is this one when it is not after as_of, else the as_of moment when the score is at or
-- above the threshold then. It replaces a pass over every stored moment (23M at 1M leads) in
-- every run.
{{ lead_partitioned_config('score_input_fingerprint') }}
with

score_moments as {{ inline_cte() }} (select * from {{ ref('int_lead_score_moments') }}),

-- the leads without stored rows: new, or deleted by the pre-hook (every lead on a full build)
leads_to_build as ({{ leads_to_build('score_input_fingerprint') }}),

{{ written_rows_of_leads_to_build_ctes('moments', 'score_moments') }},

first_crossings as (
    select
        lead_id,
        min(moment_at) as first_stored_at_or_above_threshold_at
    from moments
    where is_eligibility_candidate
        and is_at_or_above_threshold
    group by lead_id
),

-- every lead built (each has moments: its creation at least), at or above the threshold or not
final as (
    select
        leads_to_build.lead_id,
        first_crossings.first_stored_at_or_above_threshold_at,
        leads_to_build.lead_input_fingerprint,
        {{ written_by_run_id() }} as written_by_run_id
    from leads_to_build
    left join first_crossings
        on leads_to_build.lead_id = first_crossings.lead_id
)

select * from final
