-- one row per account (int_lead_accounts: every account_id with a matched lead): whether and
-- since when it is a customer, how many of its members reached customer, and its owner
-- (docs/definitions.md#account-engagement-mqa-and-the-account-funnel). The one home of these
-- facts: int_accounts (and so dim_accounts) and scored_leads read them. It reads only the
-- matching, the leads and their stages, so scored_leads does not wait for the account
-- engagement and MQA models.
with

lead_accounts as (select * from {{ ref('int_lead_accounts') }}),
leads as (select * from {{ ref('stg_leads') }}),
stages_reached as (select * from {{ ref('int_lead_stages_reached') }}),

members as (
    select
        lead_accounts.account_id,
        leads.lead_id,
        leads.owner_id,
        stages_reached.reached_customer,
        stages_reached.first_customer_at,
        -- the first customer lead first (ties: lead_id); then the latest created
        row_number() over (
            partition by lead_accounts.account_id
            order by
                case when stages_reached.reached_customer then 0 else 1 end asc,
                stages_reached.first_customer_at asc,
                leads.created_at desc,
                leads.lead_id asc
        ) as customer_rank,
        -- among the members with an owner: the latest created first
        row_number() over (
            partition by lead_accounts.account_id, case when leads.owner_id is null then 1 else 0 end
            order by leads.created_at desc, leads.lead_id desc
        ) as owner_rank
    from lead_accounts
    inner join leads
        on lead_accounts.lead_id = leads.lead_id
    inner join stages_reached
        on lead_accounts.lead_id = stages_reached.lead_id
    where lead_accounts.account_id is not null
),

final as (
    select
        account_id,
        min(first_customer_at) as customer_at,
        sum(case when reached_customer then 1 else 0 end) as customer_lead_count,
        -- the first customer member's owner; without one (or without a customer member), the
        -- latest created member's that has one
        coalesce(
            max(case when customer_rank = 1 and reached_customer then owner_id end),
            max(case when owner_rank = 1 then owner_id end)
        ) as account_owner_id
    from members
    group by account_id
)

select * from final
