-- docs/definitions.md#bad-input: activity types without a scoring rule are kept with 0 points
-- and surfaced here (a warning: add a rule to seeds/config/scoring_rules.csv, with 0 points if
-- the type should not score)
{{ config(severity='warn') }}
with

activities as (select * from {{ ref('fct_lead_activities') }} where not has_scoring_rule),

final as (
    select
        activity_type,
        count(*) as activities,
        min(occurred_at) as first_occurred_at,
        max(occurred_at) as last_occurred_at
    from activities
    group by activity_type
)

select * from final
