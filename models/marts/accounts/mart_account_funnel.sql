-- one row per cohort_month (month of the account's first lead) x first_lead_source (the
-- source of that lead), for months with accounts: accounts, and of them those that became an
-- MQA, reached an opportunity and became a customer, with step rates and median days between
-- the steps (docs/definitions.md#account-engagement-mqa-and-the-account-funnel). Step rates
-- are ratios of accounts (null when the denominator is 0); an account reaching an
-- opportunity without having been an MQA counts for opportunity and customer, not for MQA.
with

accounts as (select * from {{ ref('int_accounts') }}),

steps as (
    select
        cohort_month,
        first_lead_source,
        is_mqa,
        opportunity_at is not null as reached_opportunity,
        is_customer,
        is_mqa and opportunity_at is not null as is_mqa_with_opportunity,
        {{ days_between('first_lead_created_at', 'mqa_at') }} as days_first_lead_to_mqa,
        -- only an opportunity at or after the MQA measures the MQA -> opportunity step
        case
            when opportunity_at >= mqa_at then {{ days_between('mqa_at', 'opportunity_at') }}
        end as days_mqa_to_opportunity,
        {{ days_between('opportunity_at', 'customer_at') }} as days_opportunity_to_customer,
        {{ days_between('first_lead_created_at', 'customer_at') }} as days_first_lead_to_customer
    from accounts
),

counted as (
    select
        cohort_month,
        first_lead_source,
        count(*) as accounts,
        sum(case when is_mqa then 1 else 0 end) as mqa_accounts,
        sum(case when reached_opportunity then 1 else 0 end) as opportunity_accounts,
        sum(case when is_customer then 1 else 0 end) as customer_accounts,
        sum(case when is_mqa_with_opportunity then 1 else 0 end) as mqa_opportunity_accounts,
        {{ median('days_first_lead_to_mqa') }} as median_days_first_lead_to_mqa,
        {{ median('days_mqa_to_opportunity') }} as median_days_mqa_to_opportunity,
        {{ median('days_opportunity_to_customer') }} as median_days_opportunity_to_customer,
        {{ median('days_first_lead_to_customer') }} as median_days_first_lead_to_customer
    from steps
    group by
        cohort_month,
        first_lead_source
),

final as (
    select
        cohort_month,
        first_lead_source,
        accounts,
        mqa_accounts,
        opportunity_accounts,
        customer_accounts,
        mqa_opportunity_accounts,
        {{ safe_ratio('mqa_accounts', 'accounts') }} as account_to_mqa_rate,
        {{ safe_ratio('mqa_opportunity_accounts', 'mqa_accounts') }} as mqa_to_opportunity_rate,
        {{ safe_ratio('customer_accounts', 'opportunity_accounts') }} as opportunity_to_customer_rate,
        {{ safe_ratio('customer_accounts', 'accounts') }} as account_to_customer_rate,
        median_days_first_lead_to_mqa,
        median_days_mqa_to_opportunity,
        median_days_opportunity_to_customer,
        median_days_first_lead_to_customer
    from counted
)

select * from final
