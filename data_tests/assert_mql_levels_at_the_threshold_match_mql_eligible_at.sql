-- a level that asks exactly what MQL eligibility asks (min_score = mql_threshold, a complete
-- profile, no activity condition; the demo's sales_ready) is reached exactly when the lead
-- became MQL eligible: same moments, same leads (disqualified leads have neither). Returns the
-- leads where the two disagree.
{%- set threshold = var('mql_threshold', 100) %}
with

levels as (select * from {{ ref('mql_levels') }}),
lead_levels as (select * from {{ ref('int_lead_mql_levels') }}),
scored_leads as (select * from {{ ref('scored_leads') }}),

eligibility_levels as (
    select level
    from levels
    where min_score = {{ threshold }}
        and requires_complete_profile
        and activity_types is null
        and not requires_hand_raise
),

reached as (
    select
        lead_levels.lead_id,
        eligibility_levels.level,
        lead_levels.first_reached_at
    from lead_levels
    inner join eligibility_levels
        on lead_levels.level = eligibility_levels.level
    inner join scored_leads
        on lead_levels.lead_id = scored_leads.lead_id
    where not scored_leads.is_disqualified
),

expected as (
    select
        scored_leads.lead_id,
        eligibility_levels.level,
        scored_leads.mql_eligible_at
    from scored_leads
    cross join eligibility_levels
    where scored_leads.mql_eligible_at is not null
),

final as (
    select
        coalesce(reached.lead_id, expected.lead_id) as lead_id,
        coalesce(reached.level, expected.level) as level,
        reached.first_reached_at,
        expected.mql_eligible_at
    from reached
    full outer join expected
        on reached.lead_id = expected.lead_id
            and reached.level = expected.level
    where reached.first_reached_at is null
        or expected.mql_eligible_at is null
        or reached.first_reached_at != expected.mql_eligible_at
)

select * from final
