-- one row per valid activity (of a valid lead): its points (undecayed, after the per-rule
-- caps), the rules it matched and whether it is a sales touch. Incremental per lead
-- (macros/materializations/incremental.sql): only leads whose inputs changed are rebuilt.
{{ config(
    materialized=lead_incremental_materialization(),
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook="{{ delete_changed_leads('activity_input_fingerprint') }}",
) }}
-- depends_on: {{ ref('int_lead_input_fingerprints') }}
with

{%- if is_incremental() %}
leads_to_build as ({{ leads_to_build('activity_input_fingerprint') }}),
{%- endif %}
scored_activities as (select * from {{ ref('int_activities_scored') }}),

activities as (
    select scored_activities.*
    from scored_activities
    {%- if is_incremental() %}
    inner join leads_to_build
        on scored_activities.lead_id = leads_to_build.lead_id
    {%- endif %}
),

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
    from activities
)

select * from final
