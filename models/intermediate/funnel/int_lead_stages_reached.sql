-- one row per valid lead: which funnel stages it reached and when it first reached each.
-- "Reached" (docs/definitions.md#metric-definitions): the lead entered that stage or any later
-- funnel stage, so a skipped stage counts as passed; first_<stage>_at is the first entry into
-- that stage or beyond. Also the lead's current stage (its latest entry).
{%- set funnel_stages = funnel_stage_names() %}
with

leads as (select * from {{ ref('stg_leads') }}),
stage_entries as (select * from {{ ref('int_lead_stage_entries') }}),

reached as (
    select
        lead_id,
        {%- for stage in funnel_stages %}
        min(case when stage_order >= {{ loop.index }} then entered_at end) as first_{{ stage }}_at,
        {%- endfor %}
        max(entry_sequence) as last_entry_sequence
    from stage_entries
    group by lead_id
),

current_stages as (
    select
        stage_entries.lead_id,
        stage_entries.stage as current_stage,
        stage_entries.entered_at as current_stage_entered_at
    from stage_entries
    inner join reached
        on stage_entries.lead_id = reached.lead_id
            and stage_entries.entry_sequence = reached.last_entry_sequence
),

final as (
    select
        leads.lead_id,
        leads.created_at,
        cast({{ dbt.date_trunc('month', 'leads.created_at') }} as date) as cohort_month,
        leads.lead_source,
        leads.acquisition_offer,
        {%- for stage in funnel_stages %}
        {%- if stage == 'lead' %}
        -- every valid lead is in the funnel, even one whose history starts later
        true as reached_lead,
        coalesce(reached.first_lead_at, leads.created_at) as first_lead_at,
        {%- else %}
        reached.first_{{ stage }}_at is not null as reached_{{ stage }},
        reached.first_{{ stage }}_at,
        {%- endif %}
        {%- endfor %}
        current_stages.current_stage,
        current_stages.current_stage_entered_at
    from leads
    left join reached
        on leads.lead_id = reached.lead_id
    left join current_stages
        on leads.lead_id = current_stages.lead_id
)

select * from final
