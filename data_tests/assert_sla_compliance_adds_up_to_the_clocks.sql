-- mart_sla_compliance has one row per (month, owner_id), owner_id null included, and its
-- counts add up to the SLA clocks: every MQL entry, touch, decision, breach, abandoned entry
-- and inquiry counted once
with

sla_clocks as (select * from {{ ref('int_mql_sla_clocks') }}),

inquiry_clocks as (select * from {{ ref('int_inquiry_response_clocks') }}),

compliance as (select * from {{ ref('mart_sla_compliance') }}),

duplicate_groups as (
    select
        'duplicate (month, owner_id)' as problem,
        count(*) as expected,
        count(*) as actual
    from compliance
    group by month, owner_id
    having count(*) > 1
),

clock_totals as (
    select
        count(*) as mqls,
        count(first_touch_at) as first_touches,
        count(decided_at) as decisions,
        count(case when is_breached then 1 end) as breaches,
        count(case when is_abandoned then 1 end) as abandoned_mqls,
        (select count(*) from inquiry_clocks) as inquiries
    from sla_clocks
),

mart_totals as (
    select
        coalesce(sum(mqls), 0) as mqls,
        coalesce(sum(first_touches), 0) as first_touches,
        coalesce(sum(decisions), 0) as decisions,
        coalesce(sum(breaches), 0) as breaches,
        coalesce(sum(abandoned_mqls), 0) as abandoned_mqls,
        coalesce(sum(inquiries), 0) as inquiries
    from compliance
),

total_mismatches as (
    select
        'mqls' as problem,
        clock_totals.mqls as expected,
        mart_totals.mqls as actual
    from clock_totals cross join mart_totals
    where clock_totals.mqls != mart_totals.mqls
    union all
    select
        'first_touches' as problem,
        clock_totals.first_touches as expected,
        mart_totals.first_touches as actual
    from clock_totals cross join mart_totals
    where clock_totals.first_touches != mart_totals.first_touches
    union all
    select
        'decisions' as problem,
        clock_totals.decisions as expected,
        mart_totals.decisions as actual
    from clock_totals cross join mart_totals
    where clock_totals.decisions != mart_totals.decisions
    union all
    select
        'breaches' as problem,
        clock_totals.breaches as expected,
        mart_totals.breaches as actual
    from clock_totals cross join mart_totals
    where clock_totals.breaches != mart_totals.breaches
    union all
    select
        'abandoned_mqls' as problem,
        clock_totals.abandoned_mqls as expected,
        mart_totals.abandoned_mqls as actual
    from clock_totals cross join mart_totals
    where clock_totals.abandoned_mqls != mart_totals.abandoned_mqls
    union all
    select
        'inquiries' as problem,
        clock_totals.inquiries as expected,
        mart_totals.inquiries as actual
    from clock_totals cross join mart_totals
    where clock_totals.inquiries != mart_totals.inquiries
),

final as (
    select * from duplicate_groups
    union all
    select * from total_mismatches
)

select * from final
