-- one row per valid lead x fit/negative scoring rule it matches, with the rule's points
-- (capped by max_points). A lead's profile fields are unpivoted to (field, field_value);
-- the distinct values are matched to the rules once, then joined back to the leads.
-- Incremental per lead (macros/materializations/incremental.sql) on score_input_fingerprint:
-- it holds everything read here (the lead row, the scoring rules, the free-mail domains, this
-- model's code) and the lead's activities, so a run rebuilds the leads whose profile inputs
-- changed or that have new activities, not every lead's profile.
{{ lead_partitioned_config('score_input_fingerprint') }}
{%- set profile_fields = ['job_title', 'company_size', 'industry', 'country', 'email_domain',
                          'lead_source', 'acquisition_offer', 'is_free_email'] %}
with

leads_to_build as ({{ leads_to_build('score_input_fingerprint') }}),
valid_leads as (select * from {{ ref('stg_leads') }}),
leads as ({{ rows_of_leads_to_build('valid_leads', with_fingerprint=true) }}),
free_email_domains as (select * from {{ ref('free_email_domains') }}),
rules as (select * from {{ ref('int_scoring_rules_parsed') }} where category in ('fit', 'negative')),

free_domains as (
    select distinct lower(trim(domain)) as email_domain
    from free_email_domains
),

leads_flagged as (
    select
        leads.lead_id,
        leads.job_title,
        cast(leads.company_size as {{ dbt.type_string() }}) as company_size,
        leads.industry,
        leads.country,
        leads.email_domain,
        leads.lead_source,
        leads.acquisition_offer,
        leads.lead_input_fingerprint,
        -- true when the email's domain is a free-mail domain, false otherwise (also without
        -- a valid email: docs/definitions.md#configuration)
        case
            when free_domains.email_domain is not null then 'true'
            else 'false'
        end as is_free_email
    from leads
    left join free_domains
        on leads.email_domain = free_domains.email_domain
),

lead_fields as (
    {%- for field in profile_fields %}
    select
        lead_id,
        '{{ field }}' as field,
        {{ field }} as field_value,
        lead_input_fingerprint
    from leads_flagged
    where {{ field }} is not null
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

field_values as (
    select distinct
        field,
        field_value
    from lead_fields
),

value_rules as (
    select
        field_values.field,
        field_values.field_value,
        rules.rule_id,
        rules.category,
        rules.points,
        rules.max_points,
        rules.is_disqualifying
    from field_values
    inner join rules
        on field_values.field = rules.field
            and {{ scoring_rule_matches('field_values.field_value', 'rules') }}
),

final as (
    select
        {{ dbt.concat(["lead_fields.lead_id", "'|'", "value_rules.rule_id"]) }} as lead_rule_id,
        lead_fields.lead_id,
        value_rules.rule_id,
        value_rules.category,
        value_rules.field,
        lead_fields.field_value,
        {{ capped_points('value_rules.points', 'value_rules.max_points', '0') }} as points,
        value_rules.is_disqualifying,
        lead_fields.lead_input_fingerprint,
        {{ written_by_run_id() }} as written_by_run_id
    from lead_fields
    inner join value_rules
        on lead_fields.field = value_rules.field
            and lead_fields.field_value = value_rules.field_value
)

select * from final
