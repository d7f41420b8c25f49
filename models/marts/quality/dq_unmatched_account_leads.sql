-- one row per valid lead that matched no account (int_lead_accounts), with why, what matching
-- tried (the email domain, the company name as delivered and normalised, the accounts an
-- ambiguous name points to) and what would settle it; with var mask_pii the company name has
-- email addresses and phone numbers replaced (scrub_contacts), and its normalised form is
-- shown only when there was none to replace (it would still hold their letters and digits)
{%- set mask_pii = mask_pii_enabled() %}
with

lead_accounts as (select * from {{ ref('int_lead_accounts') }} where account_id is null),
leads as (select * from {{ ref('stg_leads') }}),
stages_reached as (select * from {{ ref('int_lead_stages_reached') }}),

final as (
    select
        lead_accounts.lead_id,
        leads.created_at,
        leads.lead_source,
        stages_reached.current_stage,
        lead_accounts.unmatched_reason,
        lead_accounts.email_domain,
        lead_accounts.is_free_email,
        {{ scrub_contacts('leads.company_name') }} as company_name,
        {%- if mask_pii %}
        case
            when {{ scrub_contacts('leads.company_name') }} = leads.company_name
                then lead_accounts.company_name_normalized
        end as company_name_normalized,
        {%- else %}
        lead_accounts.company_name_normalized,
        {%- endif %}
        lead_accounts.candidate_account_ids,
        case lead_accounts.unmatched_reason
            when 'ambiguous_company_name'
                then 'add an account_overrides company_name row naming the right account'
            else 'no business email and no usable company name: ask sales for the company'
        end as hint
    from lead_accounts
    inner join leads
        on lead_accounts.lead_id = leads.lead_id
    left join stages_reached
        on lead_accounts.lead_id = stages_reached.lead_id
)

select * from final
