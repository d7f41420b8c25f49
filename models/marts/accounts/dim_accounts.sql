-- one row per account: identity and matching, first lead, engagement at as_of (engaged
-- contacts, best fit grade, account score), MQA moment and trigger, furthest stage, customer
-- status, open leads and owner (docs/definitions.md#account-engagement-mqa-and-the-account-funnel).
-- The facts are computed once in int_accounts, the customer and owner facts in
-- int_account_customers (which scored_leads reads too).
with

accounts as (select * from {{ ref('int_accounts') }}),

final as (
    select
        -- identity
        account_id,
        -- a company name typed with an email or phone in it: masked like the other marts
        {{ scrub_contacts('account_name') }} as account_name,
        account_domain,
        lead_count,
        leads_matched_by_domain,
        leads_matched_by_company_name,
        leads_matched_by_override,

        -- first lead (the account's cohort)
        first_lead_id,
        first_lead_created_at,
        cohort_month,
        first_lead_source,

        -- engagement at as_of
        engaged_contacts,
        best_fit_score,
        best_lead_grade,
        account_score,
        role_groups,

        -- MQA
        is_mqa,
        mqa_at,
        mqa_trigger,
        account_score_reached_at,
        engaged_contacts_reached_at,

        -- funnel and customer
        furthest_stage,
        furthest_stage_order,
        opportunity_at,
        is_customer,
        customer_at,
        customer_lead_count,
        open_lead_count,
        account_owner_id,
        scored_as_of
    from accounts
)

select * from final
