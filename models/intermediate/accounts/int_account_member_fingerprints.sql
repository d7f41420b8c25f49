-- one row per account member (a lead matched to an account): fingerprints of what the
-- incremental account models build from it (macros/accounts/account_incremental.sql).
-- span_fingerprint: the member's activity inputs (int_lead_input_fingerprints: the lead row,
-- its valid activities, the scoring rules and the code that scores them), its account,
-- account_engaged_days and the version of the code int_account_engagement_spans is built from
-- (int_account_engagement_spans rebuilds the member when it changes); null when the member
-- has no activities. score_input_fingerprint: the member's scoring inputs, which the account
-- fingerprint of int_account_mqa_evaluations sums over its members (account_fingerprint_sql).
{%- set engaged_days = var('account_engaged_days') %}
with

lead_accounts as (select * from {{ ref('int_lead_accounts') }}),
input_fingerprints as (select * from {{ ref('int_lead_input_fingerprints') }}),

final as (
    select
        lead_accounts.lead_id,
        lead_accounts.account_id,
        case
            when input_fingerprints.activity_input_fingerprint is not null
                then {{ row_hash([
                    'input_fingerprints.activity_input_fingerprint',
                    'lead_accounts.account_id',
                    "'" ~ engaged_days ~ "'",
                    "'" ~ nodes_logic_version(['int_account_engagement_spans']) ~ "'",
                ]) }}
        end as span_fingerprint,
        input_fingerprints.score_input_fingerprint
    from lead_accounts
    left join input_fingerprints
        on lead_accounts.lead_id = input_fingerprints.lead_id
    where lead_accounts.account_id is not null
)

select * from final
