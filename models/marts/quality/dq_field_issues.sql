-- one row per bad optional value that was set to null in a kept row (the row itself is valid);
-- with var mask_pii a malformed email's raw value is a keyed hash (pii_hash) and any other
-- value has email addresses and phone numbers replaced (scrub_contacts)
with

leads as (select * from {{ ref('stg_leads_triaged') }} where reject_reason is null),
activities as (select * from {{ ref('stg_activities_triaged') }} where reject_reason is null),
stage_changes as (select * from {{ ref('stg_stage_changes_triaged') }} where reject_reason is null),
known_activities as (select activity_id from {{ ref('int_activities_lead_checked') }} where has_known_lead),
known_stage_changes as (select change_id from {{ ref('int_stage_changes_lead_checked') }} where has_known_lead),

issues as (
{% set checks = [
    ('leads', 'leads', 'lead_id', 'email', 'email_text', 'email_issue'),
    ('leads', 'leads', 'lead_id', 'company_size', 'company_size_text', 'company_size_issue'),
    ('activities', 'known_activities', 'activity_id', 'duration_seconds', 'duration_seconds_text', 'duration_seconds_issue'),
    ('stage_changes', 'known_stage_changes', 'change_id', 'amount', 'amount_text', 'amount_issue'),
] %}
    {% for table, kept, key, column, raw_column, issue_column in checks %}
    select
        '{{ table }}' as source_table,
        {{ table }}.{{ key }} as source_key,
        '{{ column }}' as column_name,
        {{ table }}.{{ raw_column }} as raw_value,
        {{ table }}.{{ issue_column }} as issue
    from {{ table }}
    {% if kept != table %}
    inner join {{ kept }}
        on {{ table }}.{{ key }} = {{ kept }}.{{ key }}
    {% endif %}
    where {{ table }}.{{ issue_column }} is not null
    {% if not loop.last %}
    union all
    {% endif %}
    {% endfor %}
),

final as (
    select
        source_table,
        source_key,
        column_name,
        {%- if mask_pii_enabled() %}
        case
            when column_name = 'email' then {{ pii_hash('raw_value') }}
            else {{ scrub_contacts('raw_value') }}
        end as raw_value,
        {%- else %}
        raw_value,
        {%- endif %}
        issue
    from issues
)

select * from final
