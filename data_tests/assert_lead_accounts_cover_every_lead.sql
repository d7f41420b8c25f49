-- int_lead_accounts holds every valid lead exactly once (no lead is dropped by matching), and
-- each account has one display name on all of its leads
with

leads as (select * from {{ ref('stg_leads') }}),
lead_accounts as (select * from {{ ref('int_lead_accounts') }}),

missing_leads as (
    select
        leads.lead_id,
        'valid lead without an account row' as problem
    from leads
    left join lead_accounts
        on leads.lead_id = lead_accounts.lead_id
    where lead_accounts.lead_id is null
),

unknown_leads as (
    select
        lead_accounts.lead_id,
        'account row of no valid lead' as problem
    from lead_accounts
    left join leads
        on lead_accounts.lead_id = leads.lead_id
    where leads.lead_id is null
),

accounts_with_two_names as (
    select
        account_id as lead_id,
        'account with more than one account_name' as problem
    from lead_accounts
    where account_id is not null
    group by account_id
    having count(distinct account_name) > 1
),

final as (
    select
        lead_id,
        problem
    from missing_leads
    union all
    select
        lead_id,
        problem
    from unknown_leads
    union all
    select
        lead_id,
        problem
    from accounts_with_two_names
)

select * from final
