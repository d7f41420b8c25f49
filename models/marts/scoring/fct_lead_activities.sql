-- one row per valid activity (of a valid lead): its points (undecayed, after the per-rule
-- caps), the rules it matched and whether it is a sales touch. A view (a table on Spark:
-- store_view_materialization): the activities are stored once, incrementally, in
-- int_activities_scored; this is the contract's shape of them (free text scrubbed).
{{ config(materialized=store_view_materialization()) }}
with

scored_activities as (select * from {{ ref('int_activities_scored') }}),

final as (
    select
        -- ids
        activity_id,
        lead_id,
        owner_id,

        -- strings
        activity_type,
        {{ scrub_contacts('campaign') }} as campaign,
        {{ scrub_contacts('detail') }} as detail,

        -- numerics
        duration_seconds,
        points,
        matched_rule_ids,

        -- booleans
        has_scoring_rule,
        is_sales_touch,
        is_before_lead_created,

        -- timestamps
        occurred_at,

        -- incremental bookkeeping
        lead_input_fingerprint
    from scored_activities
)

select * from final
