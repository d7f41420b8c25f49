-- one row per raw activity record as delivered (landing by landing with raw_dir), typed;
-- identical copies are counted as duplicate deliveries in stg_*_triaged
{{ config(
    materialized=landing_materialization(),
    incremental_strategy='append',
    pre_hook="{{ landing_base_pre_hook('activities') }}",
) }}
{#- the landing files this run reads (every file in a full build: none) -#}
{%- set landing_files = none %}
{%- if is_incremental() %}
{%- set landing_files = landing_plan('activities').load | map(attribute='path') | list %}
{%- endif %}
with

deliveries as ({{ landed_rows('activities', landing_files) }}),

typed as (
    select
        -- ids
        {{ clean_text('activity_id') }} as activity_id,
        {{ clean_text('lead_id') }} as lead_id,
        {{ clean_text('owner_id') }} as owner_id,

        -- strings
        replace(lower({{ clean_text('activity_type') }}), ' ', '_') as activity_type,
        {{ clean_text('campaign') }} as campaign,
        {{ clean_text('detail') }} as detail,

        -- numerics (the text as delivered is kept for dq_field_issues)
        duration_seconds as duration_seconds_text,
        {{ clean_text('duration_seconds') }} is not null as has_duration_seconds,
        {{ try_cast_number(clean_text('duration_seconds'), type_double()) }} as duration_seconds_number,

        -- timestamps
        {{ clean_text('occurred_at') }} as occurred_at_text,
        {{ landed_timestamp('activities') }} as occurred_at,

        -- delivery (malformed_reason: the record could not be read at all)
        malformed_reason,
        -- the raw columns as delivered, for the row's text (stored_raw_values)
        {{ delivered_raw_columns('activities') }},
        landing_file,
        raw_row_hash
    from deliveries
),

final as (
    select
        activity_id,
        lead_id,
        owner_id,
        activity_type,
        campaign,
        detail,
        case when duration_seconds_number >= 0 then duration_seconds_number end as duration_seconds,
        duration_seconds_text,
        occurred_at,
        occurred_at_text,
        -- a missing lead_id matches no lead: unknown_lead, like an id that matches none
        -- (checked last, as for those rows, whose lead is looked up after staging)
        case
            when malformed_reason is not null then malformed_reason
            when activity_id is null then 'missing_key'
            when occurred_at_text is null then 'missing_timestamp'
            when occurred_at is null then 'unparseable_timestamp'
            when lead_id is null then 'unknown_lead'
        end as row_reject_reason,
        -- a bad optional value is nulled, not fatal: say why (dq_field_issues lists these)
        case
            when has_duration_seconds and duration_seconds_number is null then 'unparseable_number'
            when duration_seconds_number < 0 then 'negative_number'
        end as duration_seconds_issue,
        -- the raw row's text, where the stored columns do not give it back
        {{ stored_raw_values('activities') }},
        landing_file,
        raw_row_hash,
        {{ written_by_run_id() }} as written_by_run_id
    from typed
)

select * from final
