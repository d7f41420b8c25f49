-- fct_lead_activities has exactly one row per valid activity (a valid staging activity of a
-- valid lead): an activity matching several rules is not fanned out, one matching none is kept
with

valid as (select count(*) as valid_activities from {{ ref('int_activities_lead_checked') }} where has_known_lead),
facts as (
    select
        count(*) as fact_rows,
        count(distinct activity_id) as fact_activity_ids
    from {{ ref('fct_lead_activities') }}
),

final as (
    select
        valid.valid_activities,
        facts.fact_rows,
        facts.fact_activity_ids
    from valid
    cross join facts
)

select * from final
where valid_activities != fact_rows
    or valid_activities != fact_activity_ids
