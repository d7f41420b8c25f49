-- one row per account (int_lead_accounts: every account_id with a matched lead): its identity
-- and how its leads were matched, its first lead, its engagement at as_of (engaged contacts,
-- best fit grade, account score), its MQA moment, the furthest funnel stage any member
-- reached, whether it is a customer and since when, its open leads and its owner
-- (docs/definitions.md#account-engagement-mqa-and-the-account-funnel). dim_accounts publishes
-- it. The customer and owner facts come from int_account_customers (scored_leads reads them
-- there, off the engagement and MQA chain).
{%- set funnel_stages = funnel_stage_names() %}
{%- set top_n = var('account_score_top_n') | int %}
with

lead_accounts as (select * from {{ ref('int_lead_accounts') }}),
leads as (select * from {{ ref('stg_leads') }}),
profile_scores as (select * from {{ ref('int_leads_profile_scored') }}),
timeline as (select * from {{ ref('int_lead_score_timeline') }}),
stages_reached as (select * from {{ ref('int_lead_stages_reached') }}),
stages as (select * from {{ ref('stages') }}),
role_groups as (select * from {{ ref('int_lead_role_groups') }}),
spans as (select * from {{ ref('int_account_engagement_spans') }}),
mqa_moments as (select * from {{ ref('int_account_mqa_moments') }}),
customers as (select * from {{ ref('int_account_customers') }}),
as_of as (select * from {{ ref('run_as_of') }}),

members as (
    select
        lead_accounts.account_id,
        lead_accounts.account_name,
        lead_accounts.account_domain,
        lead_accounts.account_match_method,
        leads.lead_id,
        leads.lead_source,
        leads.created_at,
        profile_scores.fit_score,
        scores_now.lead_score_at as lead_score,
        role_groups.role_group,
        stages_reached.reached_opportunity,
        stages_reached.first_opportunity_at,
        case
            {%- for stage in funnel_stages | reverse %}
            when stages_reached.reached_{{ stage }} then {{ funnel_stages | length - loop.index0 }}
            {%- endfor %}
        end as furthest_stage_order,
        -- still worked as a prospect: in a funnel stage (not an outcome) short of customer
        coalesce(current_stages.stage_group = 'funnel', false)
        and not stages_reached.reached_customer as is_open_lead,
        row_number() over (
            partition by lead_accounts.account_id
            order by leads.created_at, leads.lead_id
        ) as creation_rank
    from lead_accounts
    inner join leads
        on lead_accounts.lead_id = leads.lead_id
    inner join profile_scores
        on lead_accounts.lead_id = profile_scores.lead_id
    inner join timeline as scores_now
        on lead_accounts.lead_id = scores_now.lead_id
            and scores_now.moment_type = 'as_of'
    inner join role_groups
        on lead_accounts.lead_id = role_groups.lead_id
    inner join stages_reached
        on lead_accounts.lead_id = stages_reached.lead_id
    left join stages as current_stages
        on stages_reached.current_stage = current_stages.stage
    where lead_accounts.account_id is not null
),

-- the top account_score_top_n member scores at as_of; a score of 0 or below adds nothing
{{ top_values_sum_cte('top_member_scores', 'members', ['account_id'], 'lead_score', 'lead_id', top_n) }},

account_scores as (
    select
        account_id,
        {{ round_to('value_sum', 9) }} as account_score
    from top_member_scores
),

domain_counts as (
    select
        account_id,
        account_domain,
        row_number() over (
            partition by account_id
            order by count(*) desc, account_domain
        ) as domain_rank
    from members
    where account_domain is not null
    group by
        account_id,
        account_domain
),

engaged_now as (
    select
        spans.account_id,
        count(distinct spans.lead_id) as engaged_contacts
    from spans
    cross join as_of
    where spans.engaged_from <= as_of.as_of_at
        and spans.engaged_until > as_of.as_of_at
    group by spans.account_id
),

account_members as (
    select
        account_id,
        max(account_name) as account_name,
        count(*) as lead_count,
        sum(case when account_match_method = 'email_domain' then 1 else 0 end) as leads_matched_by_domain,
        sum(case when account_match_method = 'company_name' then 1 else 0 end) as leads_matched_by_company_name,
        sum(case when account_match_method like 'override%' then 1 else 0 end) as leads_matched_by_override,
        max(case when creation_rank = 1 then lead_id end) as first_lead_id,
        min(created_at) as first_lead_created_at,
        max(case when creation_rank = 1 then lead_source end) as first_lead_source,
        max(fit_score) as best_fit_score,
        count(distinct case when role_group != 'unknown' then role_group end) as role_groups,
        max(furthest_stage_order) as furthest_stage_order,
        min(first_opportunity_at) as opportunity_at,
        sum(case when is_open_lead then 1 else 0 end) as open_lead_count
    from members
    group by account_id
),

final as (
    select
        -- identity
        account_members.account_id,
        account_members.account_name,
        domain_counts.account_domain,
        account_members.lead_count,
        account_members.leads_matched_by_domain,
        account_members.leads_matched_by_company_name,
        account_members.leads_matched_by_override,

        -- the first lead: the account's cohort
        account_members.first_lead_id,
        account_members.first_lead_created_at,
        cast({{ dbt.date_trunc('month', 'account_members.first_lead_created_at') }} as date) as cohort_month,
        account_members.first_lead_source,

        -- engagement at as_of
        coalesce(engaged_now.engaged_contacts, 0) as engaged_contacts,
        account_members.best_fit_score,
        {{ score_band('account_members.best_fit_score', var('lead_grade_bands'), 'D') }} as best_lead_grade,
        account_scores.account_score,
        account_members.role_groups,

        -- MQA
        mqa_moments.account_id is not null as is_mqa,
        mqa_moments.mqa_at,
        mqa_moments.mqa_trigger,
        mqa_moments.account_score_reached_at,
        mqa_moments.engaged_contacts_reached_at,

        -- funnel
        furthest_stages.stage as furthest_stage,
        account_members.furthest_stage_order,
        account_members.opportunity_at,
        customers.customer_at is not null as is_customer,
        customers.customer_at,
        customers.customer_lead_count,
        account_members.open_lead_count,
        customers.account_owner_id,
        as_of.as_of_at as scored_as_of
    from account_members
    inner join account_scores
        on account_members.account_id = account_scores.account_id
    -- int_account_customers' members are a superset of these (fewer inner joins): every
    -- account here has its row there
    inner join customers
        on account_members.account_id = customers.account_id
    left join domain_counts
        on account_members.account_id = domain_counts.account_id
            and domain_counts.domain_rank = 1
    left join engaged_now
        on account_members.account_id = engaged_now.account_id
    left join mqa_moments
        on account_members.account_id = mqa_moments.account_id
    left join stages as furthest_stages
        on account_members.furthest_stage_order = furthest_stages.stage_order
    cross join as_of
)

select * from final
