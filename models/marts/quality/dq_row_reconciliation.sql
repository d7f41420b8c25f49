-- one row per raw table: raw rows = valid + rejected + duplicate (always; a test fails the
-- build otherwise)
with

leads as (select * from {{ ref('stg_leads_triaged') }}),
activities as (select * from {{ ref('stg_activities_triaged') }}),
stage_changes as (select * from {{ ref('stg_stage_changes_triaged') }}),
qualifications as (select * from {{ ref('stg_qualifications_triaged') }}),
-- the rows that passed triage (the kept row of each key); all but the unknown_lead rows of
-- the lead-keyed tables are valid
usable_leads as (select * from {{ ref('stg_leads') }}),
usable_activities as (select * from {{ ref('stg_activities') }}),
usable_stage_changes as (select * from {{ ref('stg_stage_changes') }}),
usable_qualifications as (select * from {{ ref('stg_qualifications') }}),
unknown_lead_rows as (select * from {{ ref('int_unknown_lead_rows') }}),
rejected_rows as (select * from {{ ref('dq_rejected_rows') }}),

deliveries as (
    select
        'leads' as source_table,
        cast(sum(total_delivery_count) as {{ dbt.type_bigint() }}) as raw_rows,
        cast(sum(total_delivery_count - 1) as {{ dbt.type_bigint() }}) as duplicate_rows
    from leads
    union all
    select
        'activities' as source_table,
        cast(sum(total_delivery_count) as {{ dbt.type_bigint() }}) as raw_rows,
        cast(sum(total_delivery_count - 1) as {{ dbt.type_bigint() }}) as duplicate_rows
    from activities
    union all
    select
        'stage_changes' as source_table,
        cast(sum(total_delivery_count) as {{ dbt.type_bigint() }}) as raw_rows,
        cast(sum(total_delivery_count - 1) as {{ dbt.type_bigint() }}) as duplicate_rows
    from stage_changes
    union all
    -- the optional table: absent, it has no rows and reconciles as 0 = 0 + 0 + 0
    select
        'qualifications' as source_table,
        cast(sum(total_delivery_count) as {{ dbt.type_bigint() }}) as raw_rows,
        cast(sum(total_delivery_count - 1) as {{ dbt.type_bigint() }}) as duplicate_rows
    from qualifications
),

usable as (
    select
        'leads' as source_table,
        count(*) as usable_rows
    from usable_leads
    union all
    select
        'activities' as source_table,
        count(*) as usable_rows
    from usable_activities
    union all
    select
        'stage_changes' as source_table,
        count(*) as usable_rows
    from usable_stage_changes
    union all
    select
        'qualifications' as source_table,
        count(*) as usable_rows
    from usable_qualifications
),

unknown_lead as (
    select
        source_table,
        count(*) as unknown_lead_rows
    from unknown_lead_rows
    group by source_table
),

valid as (
    select
        usable.source_table,
        usable.usable_rows - coalesce(unknown_lead.unknown_lead_rows, 0) as valid_rows
    from usable
    left join unknown_lead
        on usable.source_table = unknown_lead.source_table
),

rejected as (
    select
        source_table,
        count(*) as rejected_rows
    from rejected_rows
    group by source_table
),

final as (
    select
        deliveries.source_table,
        coalesce(deliveries.raw_rows, 0) as raw_rows,
        valid.valid_rows,
        coalesce(rejected.rejected_rows, 0) as rejected_rows,
        coalesce(deliveries.duplicate_rows, 0) as duplicate_rows,
        (
            coalesce(deliveries.raw_rows, 0)
            = valid.valid_rows + coalesce(rejected.rejected_rows, 0) + coalesce(deliveries.duplicate_rows, 0)
        ) as is_balanced
    from deliveries
    inner join valid
        on deliveries.source_table = valid.source_table
    left join rejected
        on deliveries.source_table = rejected.source_table
)

select * from final
