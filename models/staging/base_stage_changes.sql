-- one row per raw stage-change record as delivered (landing by landing with raw_dir), typed
-- (identical copies are counted as duplicate deliveries in stg_stage_changes_triaged),
-- with the source label mapped to a canonical stage through seeds/config/stage_mapping.csv
{{ config(
    materialized=landing_materialization(),
    incremental_strategy='append',
    pre_hook="{{ landing_base_pre_hook('stage_changes') }}",
) }}
{#- the landing files this run reads (every file in a full build: none) -#}
{%- set landing_files = none %}
{%- if is_incremental() %}
{%- set landing_files = landing_plan('stage_changes').load | map(attribute='path') | list %}
{%- endif %}
with

deliveries as ({{ landed_rows('stage_changes', landing_files) }}),

stage_mapping as (
    select
        lower({{ clean_text('source_label') }}) as source_label,
        lower({{ clean_text('stage') }}) as stage
    from {{ ref('stage_mapping') }}
),

typed as (
    select
        -- ids
        {{ clean_text('change_id') }} as change_id,
        {{ clean_text('lead_id') }} as lead_id,
        {{ clean_text('owner_id') }} as owner_id,

        -- strings
        {{ clean_text('stage') }} as stage_label,
        {{ clean_text('reason') }} as reason,

        -- numerics (the amount as delivered is kept for dq_field_issues; numeric(28,6) on
        -- every engine: 22 digits before the point, 6 after)
        amount as amount_text,
        {{ clean_text('amount') }} is not null as has_amount,
        {{ try_cast_number(clean_text('amount'), dbt.type_numeric()) }} as amount_number,

        -- timestamps
        {{ clean_text('changed_at') }} as changed_at_text,
        {{ landed_timestamp('stage_changes') }} as changed_at,

        -- delivery (malformed_reason: the record could not be read at all)
        malformed_reason,
        -- the raw columns as delivered, for the row's text (stored_raw_values)
        {{ delivered_raw_columns('stage_changes') }},
        landing_file,
        raw_row_hash
    from deliveries
),

final as (
    select
        typed.change_id,
        typed.lead_id,
        typed.owner_id,
        stage_mapping.stage,
        typed.stage_label,
        typed.reason,
        typed.amount_number as amount,
        typed.amount_text,
        typed.changed_at,
        typed.changed_at_text,
        case
            when typed.malformed_reason is not null then typed.malformed_reason
            when typed.change_id is null then 'missing_key'
            when typed.changed_at_text is null then 'missing_timestamp'
            when typed.changed_at is null then 'unparseable_timestamp'
            when stage_mapping.stage is null then 'unmapped_stage'
            -- a missing lead_id matches no lead: unknown_lead, like an id that matches none
            -- (checked last, as for those rows, whose lead is looked up after staging)
            when typed.lead_id is null then 'unknown_lead'
        end as row_reject_reason,
        -- a bad optional value is nulled, not fatal: say why (dq_field_issues lists these)
        case
            when typed.has_amount and typed.amount_number is null then 'unparseable_number'
        end as amount_issue,
        -- the raw row's text, where the stored columns do not give it back
        {{ stored_raw_values('stage_changes', 'typed') }},
        typed.landing_file,
        typed.raw_row_hash,
        {{ written_by_run_id() }} as written_by_run_id
    from typed
    left join stage_mapping
        on lower(typed.stage_label) = stage_mapping.source_label
)

select * from final
