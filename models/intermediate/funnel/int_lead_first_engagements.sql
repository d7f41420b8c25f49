-- one row per valid lead with valid activities: its first engagement activity ever (the
-- earliest, ties to the lowest activity_id), null when none of its activities is an
-- engagement. Nothing here depends on as_of, so the model is incremental per lead like the
-- scored activities it reads (macros/materializations/incremental.sql); int_lead_engagement
-- judges it at as_of. The first engagement by as_of is this one when it is not after as_of,
-- and there is none otherwise: no engagement can come before the first.
{{ lead_partitioned_config('activity_input_fingerprint') }}
with

leads_to_build as ({{ leads_to_build('activity_input_fingerprint') }}),
scored_activities as (select * from {{ ref('int_activities_scored') }}),

activities as ({{ rows_of_leads_to_build('scored_activities') }}),

engagement_candidates as (
    select
        lead_id,
        activity_id,
        activity_type,
        occurred_at
    from activities
    where {{ is_engagement_activity() }}
),

-- the earliest instant, then the lowest activity_id at it
{{ first_rows_ctes('first_engagements', 'engagement_candidates', ['lead_id'], 'occurred_at', 'activity_id') }},

-- every lead built (each has activities: its fingerprint is not null), engaged or not
final as (
    select
        leads_to_build.lead_id,
        first_engagements.activity_id as first_engagement_activity_id,
        first_engagements.activity_type as first_engagement_activity_type,
        first_engagements.occurred_at as first_engagement_at,
        leads_to_build.lead_input_fingerprint,
        {{ written_by_run_id() }} as written_by_run_id
    from leads_to_build
    left join first_engagements
        on leads_to_build.lead_id = first_engagements.lead_id
)

select * from final
