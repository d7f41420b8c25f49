-- one row per account that has become a marketing-qualified account (MQA) by as_of: the
-- first moment its account score reached var mqa_account_score, the first moment its engaged
-- contacts reached var mqa_engaged_contacts, and the MQA moment, the earlier of the two
-- (docs/definitions.md#account-engagement-mqa-and-the-account-funnel). The accounts of
-- int_account_mqa_evaluations (every account, evaluated incrementally) that are an MQA; a
-- view, so each row is stored once (a table on Spark: store_view_materialization).
{{ config(materialized=store_view_materialization()) }}
with

evaluations as (select * from {{ ref('int_account_mqa_evaluations') }}),

final as (
    select
        account_id,
        account_score_reached_at,
        engaged_contacts_reached_at,
        mqa_at,
        mqa_trigger
    from evaluations
    where mqa_at is not null
)

select * from final
