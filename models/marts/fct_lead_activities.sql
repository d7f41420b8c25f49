-- one row per valid activity (of a valid lead): its points (undecayed, after the per-rule
-- caps), the rules it matched and whether it is a sales touch
with

activities as (select * from {{ ref('int_activities_scored') }}),

final as (
    select
        -- ids
        activity_id,
        lead_id,
        owner_id,

        -- strings
        activity_type,
        campaign,
        detail,

        -- numerics
        duration_seconds,
        points,
        matched_rule_ids,

        -- booleans
        has_scoring_rule,
        is_sales_touch,
        is_before_lead_created,

        -- timestamps
        occurred_at
    from activities
)

select * from final
