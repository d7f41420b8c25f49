-- one row per deal (int_opportunities) whose lead is matched to an account: the buying group
-- engaged when the deal opened, i.e. the account's members engaged at opened_at (an
-- engagement activity in the account_engaged_days before it, int_account_engagement_spans),
-- their distinct role groups (int_lead_role_groups; 'unknown' is not a role group), the share
-- of the seed's role groups they cover, and the deal's outcome, so the win rate can be read by
-- coverage (docs/definitions.md#buying-groups-and-existing-customers). Measured at the
-- opening, not up to the close: engagement after the opening follows the deal's course and
-- would make a won deal look better covered.
with

opportunities as (select * from {{ ref('int_opportunities') }}),
lead_accounts as (select * from {{ ref('int_lead_accounts') }}),
spans as (select * from {{ ref('int_account_engagement_spans') }}),
role_groups as (select * from {{ ref('int_lead_role_groups') }}),
role_group_seed as (select * from {{ ref('job_role_groups') }}),

seed_role_groups as (
    select count(distinct role_group) as role_groups_configured
    from role_group_seed
),

deals as (
    select
        opportunities.opportunity_id,
        opportunities.lead_id,
        lead_accounts.account_id,
        opportunities.opened_at,
        opportunities.opened_month,
        opportunities.outcome,
        opportunities.closed_at,
        opportunities.won_amount
    from opportunities
    inner join lead_accounts
        on opportunities.lead_id = lead_accounts.lead_id
    where lead_accounts.account_id is not null
),

engaged_members as (
    select
        deals.opportunity_id,
        spans.lead_id,
        role_groups.role_group
    from deals
    inner join spans
        on deals.account_id = spans.account_id
            and deals.opened_at >= spans.engaged_from
            and deals.opened_at < spans.engaged_until
    inner join role_groups
        on spans.lead_id = role_groups.lead_id
),

engaged_role_groups as (
    select distinct
        opportunity_id,
        role_group
    from engaged_members
    where role_group != 'unknown'
),

coverage as (
    select
        opportunity_id,
        count(*) as role_groups_engaged,
        {{ listagg_ordered('role_group') }} as role_group_list
    from engaged_role_groups
    group by opportunity_id
),

contacts as (
    select
        opportunity_id,
        count(distinct lead_id) as engaged_contacts
    from engaged_members
    group by opportunity_id
),

final as (
    select
        deals.opportunity_id,
        deals.lead_id,
        deals.account_id,
        deals.opened_at,
        deals.opened_month,
        coalesce(contacts.engaged_contacts, 0) as engaged_contacts,
        coalesce(coverage.role_groups_engaged, 0) as role_groups_engaged,
        coverage.role_group_list,
        {{ safe_ratio('coalesce(coverage.role_groups_engaged, 0)', 'seed_role_groups.role_groups_configured') }}
            as role_group_coverage,
        deals.outcome,
        deals.outcome = 'won' as is_won,
        deals.closed_at,
        deals.won_amount
    from deals
    cross join seed_role_groups
    left join coverage
        on deals.opportunity_id = coverage.opportunity_id
    left join contacts
        on deals.opportunity_id = contacts.opportunity_id
)

select * from final
