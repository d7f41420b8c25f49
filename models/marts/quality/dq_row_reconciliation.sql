-- one row per raw table: raw rows = valid + rejected + duplicate (always; a test fails the
-- build otherwise)
with

leads as (select * from {{ ref('stg_leads_triaged') }}),
activities as (select * from {{ ref('stg_activities_triaged') }}),
stage_changes as (select * from {{ ref('stg_stage_changes_triaged') }}),
qualifications as (select * from {{ ref('stg_qualifications_triaged') }}),
valid_leads as (select * from {{ ref('stg_leads') }}),
valid_activities as (select * from {{ ref('int_activities_lead_checked') }} where has_known_lead),
valid_stage_changes as (select * from {{ ref('int_stage_changes_lead_checked') }} where has_known_lead),
valid_qualifications as (select * from {{ ref('int_qualifications_lead_checked') }} where has_known_lead),
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

valid as (
    select
        'leads' as source_table,
        count(*) as valid_rows
    from valid_leads
    union all
    select
        'activities' as source_table,
        count(*) as valid_rows
    from valid_activities
    union all
    select
        'stage_changes' as source_table,
        count(*) as valid_rows
    from valid_stage_changes
    union all
    select
        'qualifications' as source_table,
        count(*) as valid_rows
    from valid_qualifications
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
