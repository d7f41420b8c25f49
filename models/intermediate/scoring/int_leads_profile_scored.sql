-- one row per valid lead: its profile scores (fit and negative points of the rules its
-- profile matches; they do not decay) and whether its profile is complete enough for MQL.
-- Incremental per lead on score_input_fingerprint, like int_lead_profile_rule_matches.
{{ lead_partitioned_config('score_input_fingerprint') }}
{%- set known_fields = ['email', 'first_name', 'last_name', 'job_title', 'phone', 'company_name',
                        'company_size', 'industry', 'country', 'email_domain', 'lead_source',
                        'acquisition_offer', 'owner_id'] %}
{%- set required_fields = mql_required_fields() %}
{%- for field in required_fields if field not in known_fields %}
    {{ exceptions.raise_compiler_error(
        "mql_required_fields: unknown lead field '" ~ field ~ "' (known: " ~ known_fields | join(', ') ~ ")") }}
{%- endfor %}
with

leads_to_build as ({{ leads_to_build('score_input_fingerprint') }}),
valid_leads as (select * from {{ ref('stg_leads') }}),
profile_rule_matches as (select * from {{ ref('int_lead_profile_rule_matches') }}),
leads as ({{ rows_of_leads_to_build('valid_leads', with_fingerprint=true) }}),
rule_matches as ({{ rows_of_leads_to_build('profile_rule_matches') }}),

lead_points as (
    select
        lead_id,
        sum(case when category = 'fit' then points else 0 end) as fit_score,
        sum(case when category = 'negative' then points else 0 end) as negative_score,
        {{ listagg_ordered('rule_id') }} as matched_rule_ids
    from rule_matches
    group by lead_id
),

final as (
    select
        leads.lead_id,
        leads.created_at,
        coalesce(lead_points.fit_score, 0) as fit_score,
        coalesce(lead_points.negative_score, 0) as negative_score,
        lead_points.matched_rule_ids,
        -- email is the parsed, valid address (a malformed one is null in staging)
        {% for field in required_fields -%}
        leads.{{ field }} is not null{{ " and" if not loop.last }}
        {% else -%}
        true
        {%- endfor %} as is_profile_complete,
        leads.lead_input_fingerprint,
        {{ written_by_run_id() }} as written_by_run_id
    from leads
    left join lead_points
        on leads.lead_id = lead_points.lead_id
)

select * from final
