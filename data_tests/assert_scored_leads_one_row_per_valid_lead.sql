-- scored_leads has exactly one row per valid lead (stg_leads): no lead lost, none fanned out
-- by a lead matching several rules
with

leads as (select count(*) as valid_leads from {{ ref('stg_leads') }}),
scored as (
    select
        count(*) as scored_leads,
        count(distinct lead_id) as scored_lead_ids
    from {{ ref('scored_leads') }}
),

final as (
    select
        leads.valid_leads,
        scored.scored_leads,
        scored.scored_lead_ids
    from leads
    cross join scored
)

select * from final
where valid_leads != scored_leads
    or valid_leads != scored_lead_ids
