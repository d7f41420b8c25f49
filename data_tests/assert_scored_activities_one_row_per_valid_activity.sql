-- fct_lead_activities has exactly one row per valid activity (a valid staging activity of a
-- valid lead): an activity matching several rules is not fanned out, one matching none is
-- kept. The totals are compared in every run; row by row (one row per activity id) on the
-- leads whose activities this run wrote: every lead in a full refresh or `dbt test`
-- (macros/run/written_this_run.sql).
{%- set written_leads = lead_written_this_run('int_activities_scored') %}
with

valid_activities as (select * from {{ ref('int_activities_lead_checked') }} where has_known_lead),
activities as (select * from {{ ref('fct_lead_activities') }}),

totals as (
    select
        (select count(*) from valid_activities) as valid_activities,
        (select count(*) from activities) as fact_rows
),

written_valid as (
    select count(*) as written_valid_activities
    from valid_activities
    where {{ written_leads }}
),

written_facts as (
    select
        count(*) as written_fact_rows,
        count(distinct activity_id) as written_fact_activity_ids
    from activities
    where {{ written_leads }}
),

final as (
    select
        totals.valid_activities,
        totals.fact_rows,
        written_valid.written_valid_activities,
        written_facts.written_fact_rows,
        written_facts.written_fact_activity_ids
    from totals
    cross join written_valid
    cross join written_facts
)

select * from final
where valid_activities != fact_rows
    or written_valid_activities != written_fact_rows
    or written_valid_activities != written_fact_activity_ids
