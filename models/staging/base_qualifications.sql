-- one row per raw qualification record as delivered (landing by landing with raw_dir), typed:
-- one answer a rep recorded to one checklist criterion of a lead (identical copies are counted
-- as duplicate deliveries in stg_qualifications_triaged). The table is optional: absent, it
-- has no rows (macros/staging/raw_source.sql, raw_optional_tables)
{{ config(
    materialized=landing_materialization(),
    incremental_strategy='append',
    pre_hook="{{ landing_base_pre_hook('qualifications') }}",
) }}
{#- the landing files this run reads (every file in a full build: none) -#}
{%- set landing_files = none %}
{%- if is_incremental() %}
{%- set landing_files = landing_plan('qualifications').load | map(attribute='path') | list %}
{%- endif %}
with

deliveries as ({{ landed_rows('qualifications', landing_files) }}),

-- criteria are matched case-insensitively, like stage labels
criteria as (
    select lower({{ clean_text('criterion') }}) as criterion
    from {{ ref('qualification_criteria') }}
),

typed as (
    select
        -- ids
        {{ clean_text('qualification_id') }} as qualification_id,
        {{ clean_text('lead_id') }} as lead_id,
        {{ clean_text('owner_id') }} as owner_id,

        -- strings
        lower({{ clean_text('criterion') }}) as criterion,
        criterion as criterion_text,
        {{ clean_text('value') }} as value,

        -- timestamps
        {{ clean_text('recorded_at') }} as recorded_at_text,
        {{ landed_timestamp('qualifications') }} as recorded_at,

        -- delivery (malformed_reason: the record could not be read at all)
        malformed_reason,
        -- the raw columns as delivered, for the row's text (stored_raw_values)
        {{ delivered_raw_columns('qualifications') }},
        landing_file,
        raw_row_hash
    from deliveries
),

final as (
    select
        typed.qualification_id,
        typed.lead_id,
        typed.owner_id,
        criteria.criterion,
        typed.criterion_text,
        typed.value,
        typed.recorded_at,
        typed.recorded_at_text,
        case
            when typed.malformed_reason is not null then typed.malformed_reason
            when typed.qualification_id is null then 'missing_key'
            when typed.recorded_at_text is null then 'missing_timestamp'
            when typed.recorded_at is null then 'unparseable_timestamp'
            when criteria.criterion is null then 'unknown_criterion'
            -- a missing lead_id matches no lead: unknown_lead, like an id that matches none
            when typed.lead_id is null then 'unknown_lead'
        end as row_reject_reason,
        -- the raw row's text, where the stored columns do not give it back
        {{ stored_raw_values('qualifications', 'typed') }},
        typed.landing_file,
        typed.raw_row_hash,
        {{ written_by_run_id() }} as written_by_run_id
    from typed
    left join criteria
        on typed.criterion = criteria.criterion
)

select * from final
