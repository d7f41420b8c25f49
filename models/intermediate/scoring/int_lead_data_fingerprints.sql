-- one row per valid lead: fingerprints (64-bit hashes) of the lead's own data, the part of
-- int_lead_input_fingerprints that is read from every staging row. Built landing by landing
-- (raw_dir), an incremental run fingerprints again only the leads whose staging rows this run
-- triaged (written_by_run_id), so a day's landing costs what it touched; when a landing file
-- was re-delivered or read again for new staging logic (rows may have left a lead without
-- being written again) every lead is fingerprinted again. Elsewhere it is rebuilt in full.
{{ config(
    materialized=landing_materialization(),
    incremental_strategy='delete+insert',
    unique_key='lead_id',
    pre_hook="{{ lead_data_fingerprints_pre_hook() }}",
    post_hook="{{ 'delete from ' ~ this ~ ' where lead_fingerprint is null' if is_incremental() else '' }}",
) }}
-- reads whether this run re-delivered a file from the ledger it wrote:
-- depends_on: {{ ref('stg_landing_ledger') }}
-- the staging rows this run triaged, read on incremental runs:
-- depends_on: {{ ref('stg_leads_triaged') }}
-- depends_on: {{ ref('stg_activities_triaged') }}
-- depends_on: {{ ref('stg_stage_changes_triaged') }}
{%- set only_touched = is_incremental() and not landing_files_redelivered() %}
with

leads as (select * from {{ ref('stg_leads') }}),
activities as (select * from {{ ref('stg_activities') }}),
stage_changes as (select * from {{ ref('stg_stage_changes') }}),

{% if only_touched -%}
-- the leads of every staging row this run triaged, whatever its fate: their data changed
leads_to_fingerprint as (
    {%- for table in ['leads', 'activities', 'stage_changes'] %}
    select lead_id
    from {{ ref('stg_' ~ table ~ '_triaged') }}
    where written_by_run_id = '{{ invocation_id }}'
        and lead_id is not null
    {{ "union" if not loop.last }}
    {%- endfor %}
),
{%- else -%}
leads_to_fingerprint as (select lead_id from leads),
{%- endif %}

lead_rows as (
    select
        leads.lead_id,
        {{ row_hash(['leads.lead_id', 'leads.owner_id', 'leads.email', 'leads.email_domain',
                     'leads.first_name', 'leads.last_name', 'leads.job_title', 'leads.phone',
                     'leads.company_name', 'leads.company_size', 'leads.industry', 'leads.country',
                     'leads.lead_source', 'leads.acquisition_offer', 'leads.created_at']) }} as lead_fingerprint
    from leads
    inner join leads_to_fingerprint
        on leads.lead_id = leads_to_fingerprint.lead_id
),

lead_activities as (
    select
        activities.lead_id,
        {{ fingerprint_sum(activity_fingerprint_hash('activities')) }} as activities_fingerprint
    from activities
    inner join leads_to_fingerprint
        on activities.lead_id = leads_to_fingerprint.lead_id
    group by activities.lead_id
),

lead_stage_changes as (
    select
        stage_changes.lead_id,
        {{ fingerprint_sum(row_hash(['stage_changes.change_id', 'stage_changes.owner_id',
                                     'stage_changes.stage', 'stage_changes.stage_label',
                                     'stage_changes.reason', 'stage_changes.amount',
                                     'stage_changes.changed_at'])) }} as stage_changes_fingerprint
    from stage_changes
    inner join leads_to_fingerprint
        on stage_changes.lead_id = leads_to_fingerprint.lead_id
    group by stage_changes.lead_id
),

-- a lead fingerprinted again that is no longer valid gets a row without lead_fingerprint,
-- which replaces its stored row and is then deleted (post-hook)
final as (
    select
        leads_to_fingerprint.lead_id,
        lead_rows.lead_fingerprint,
        lead_activities.activities_fingerprint,
        lead_stage_changes.stage_changes_fingerprint
    from leads_to_fingerprint
    left join lead_rows
        on leads_to_fingerprint.lead_id = lead_rows.lead_id
    left join lead_activities
        on leads_to_fingerprint.lead_id = lead_activities.lead_id
    left join lead_stage_changes
        on leads_to_fingerprint.lead_id = lead_stage_changes.lead_id
)

select * from final
