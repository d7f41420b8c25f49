-- every valid lead has a stage history with exactly one current entry (its current stage),
-- and the history has no lead that is not a valid lead. Lead by lead on the leads whose
-- entries this run wrote, and in total (as many current entries as valid leads) in every
-- run: every lead in a full refresh or `dbt test` (macros/run/written_this_run.sql).
{%- set written_leads = lead_written_this_run('int_lead_stage_entries') %}
with

leads as (select lead_id from {{ ref('stg_leads') }}),

stage_history as (select * from {{ ref('fct_lead_stage_history') }}),

written_history as (
    select *
    from stage_history
    where {{ written_leads }}
),

current_entries as (
    select
        lead_id,
        count(case when is_current then 1 end) as current_entries
    from written_history
    group by lead_id
),

{%- if written_leads == '1 = 1' %}

compared_leads as (select lead_id from leads),
{%- else %}

compared_leads as (
    select leads.lead_id
    from leads
    inner join current_entries
        on leads.lead_id = current_entries.lead_id
),
{%- endif %}

lead_problems as (
    select
        coalesce(compared_leads.lead_id, current_entries.lead_id) as lead_id,
        current_entries.current_entries
    from compared_leads
    full outer join current_entries
        on compared_leads.lead_id = current_entries.lead_id
    where compared_leads.lead_id is null
        or current_entries.lead_id is null
        or current_entries.current_entries != 1
),

totals as (
    select
        cast(null as {{ dbt.type_string() }}) as lead_id,
        current_entries
    from (
        select
            (select count(*) from leads) as valid_leads,
            (select count(*) from stage_history where is_current) as current_entries
    ) as counted
    where valid_leads != current_entries
),

final as (
    select * from lead_problems
    union all
    select * from totals
)

select * from final
