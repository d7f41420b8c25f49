-- one row per raw lead record as delivered (landing by landing with raw_dir), typed;
-- identical copies are counted as duplicate deliveries in stg_*_triaged
{{ config(
    materialized=landing_materialization(),
    incremental_strategy='append',
    pre_hook="{{ landing_base_pre_hook('leads') }}",
) }}
{#- the landing files this run reads (every file in a full build: none) -#}
{%- set landing_files = none %}
{%- if is_incremental() %}
{%- set landing_files = landing_plan('leads').load | map(attribute='path') | list %}
{%- endif %}
{%- set email_shape = '^[^@[:space:]]+@[^@[:space:]]+[.][^@[:space:]]+$' %}
with

deliveries as ({{ landed_rows('leads', landing_files) }}),

typed as (
    select
        -- ids
        {{ clean_text('lead_id') }} as lead_id,
        {{ clean_text('owner_id') }} as owner_id,

        -- profile (the email as delivered is kept for dq_field_issues)
        email as email_text,
        lower({{ clean_text('email') }}) as email_cleaned,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('job_title') }} as job_title,
        {{ clean_text('phone') }} as phone,

        -- firmographics (the company size as delivered is kept for dq_field_issues)
        {{ clean_text('company_name') }} as company_name,
        company_size as company_size_text,
        {{ clean_text('company_size') }} is not null as has_company_size,
        {{ try_cast_integer(clean_text('company_size')) }} as company_size_number,
        lower({{ clean_text('industry') }}) as industry,
        upper({{ clean_text('country') }}) as country,

        -- marketing attribution
        coalesce(lower({{ clean_text('lead_source') }}), 'unknown') as lead_source,
        coalesce(lower({{ clean_text('acquisition_offer') }}), 'unknown') as acquisition_offer,

        -- timestamps
        {{ clean_text('created_at') }} as created_at_text,
        {{ landed_timestamp('leads') }} as created_at,

        -- delivery (malformed_reason: the record could not be read at all)
        malformed_reason,
        -- the raw columns as delivered, for the row's text (stored_raw_values)
        {{ delivered_raw_columns('leads') }},
        landing_file,
        raw_row_hash
    from deliveries
),

final as (
    select
        lead_id,
        owner_id,
        case
            when {{ matches_pattern('email_cleaned', email_shape) }} then email_cleaned
        end as email,
        email_text,
        first_name,
        last_name,
        job_title,
        phone,
        company_name,
        case when company_size_number >= 0 then company_size_number end as company_size,
        company_size_text,
        industry,
        country,
        lead_source,
        acquisition_offer,
        created_at,
        created_at_text,
        case
            when malformed_reason is not null then malformed_reason
            when lead_id is null then 'missing_key'
            when created_at_text is null then 'missing_timestamp'
            when created_at is null then 'unparseable_timestamp'
        end as row_reject_reason,
        -- a bad optional value is nulled, not fatal: say why (dq_field_issues lists these)
        case
            when email_cleaned is not null and not {{ matches_pattern('email_cleaned', email_shape) }}
                then 'malformed_email'
        end as email_issue,
        case
            when has_company_size and company_size_number is null then 'unparseable_number'
            when company_size_number < 0 then 'negative_number'
        end as company_size_issue,
        -- the raw row's text, where the stored columns do not give it back
        {{ stored_raw_values('leads') }},
        landing_file,
        raw_row_hash,
        {{ written_by_run_id() }} as written_by_run_id
    from typed
)

select * from final
