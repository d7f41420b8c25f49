-- one row per valid lead: whether it came from an existing customer, judged when it was created
-- (another lead of its account had reached customer at or before its created_at), and whether
-- the funnel marts count it (docs/definitions.md, "Reached stages and conversion rates"). The
-- var funnel_exclude_existing_customer_leads is read here only: every funnel mart keeps the
-- leads with is_in_funnel_scope. Reads the account map and the reached stages, never the
-- account facts (int_accounts) or the scoring timeline, so the funnel does not wait on them.
{%- set exclude_existing_customer_leads = var('funnel_exclude_existing_customer_leads', false) %}
{%- if exclude_existing_customer_leads is not boolean %}
    {{ exceptions.raise_compiler_error(
        "The funnel_exclude_existing_customer_leads var must be true or false, got '"
        ~ exclude_existing_customer_leads ~ "'.") }}
{%- endif %}
with

stages_reached as (select * from {{ ref('int_lead_stages_reached') }}),

lead_accounts as (select * from {{ ref('int_lead_accounts') }}),

-- the leads that reached customer, in each account's order of becoming one (ties: lead_id)
customer_leads as (
    select
        lead_accounts.account_id,
        stages_reached.lead_id,
        stages_reached.first_customer_at,
        row_number() over (
            partition by lead_accounts.account_id
            order by stages_reached.first_customer_at asc, stages_reached.lead_id asc
        ) as customer_rank
    from stages_reached
    inner join lead_accounts
        on stages_reached.lead_id = lead_accounts.lead_id
    where stages_reached.reached_customer
        and lead_accounts.account_id is not null
),

-- the first two: for the first customer lead itself, "another lead" is the second one
account_customer_moments as (
    select
        account_id,
        min(case when customer_rank = 1 then lead_id end) as first_customer_lead_id,
        min(case when customer_rank = 1 then first_customer_at end) as first_customer_at,
        min(case when customer_rank = 2 then first_customer_at end) as second_customer_at
    from customer_leads
    where customer_rank <= 2
    group by account_id
),

scoped as (
    select
        stages_reached.lead_id,
        stages_reached.created_at,
        lead_accounts.account_id,
        -- the first moment another lead of the account reached customer (null: none did, or
        -- the lead is unmatched)
        case
            when stages_reached.lead_id = account_customer_moments.first_customer_lead_id
                then account_customer_moments.second_customer_at
            else account_customer_moments.first_customer_at
        end as other_lead_customer_at
    from stages_reached
    inner join lead_accounts
        on stages_reached.lead_id = lead_accounts.lead_id
    left join account_customer_moments
        on lead_accounts.account_id = account_customer_moments.account_id
),

final as (
    select
        lead_id,
        created_at,
        account_id,
        other_lead_customer_at,
        -- at or before: an account that became a customer at the very instant the lead was
        -- created was a customer when the lead arrived
        coalesce(other_lead_customer_at <= created_at, false) as is_existing_customer_at_creation,
        {%- if exclude_existing_customer_leads %}
        not coalesce(other_lead_customer_at <= created_at, false) as is_in_funnel_scope
        {%- else %}
        true as is_in_funnel_scope
        {%- endif %}
    from scoped
)

select * from final
