-- one row per HubSpot activity passed on: the raw `activities` table (raw contract columns,
-- as text, plus landing_file naming the source table), built from the activity rows that
-- are not left out (stg_hubspot__activity_rows)
with

activity_rows as (select * from {{ ref('stg_hubspot__activity_rows') }}),

final as (
    select
        activity_id,
        lead_id,
        activity_type,
        occurred_at,
        owner_id,
        campaign,
        detail,
        cast(duration_seconds as {{ dbt.type_string() }}) as duration_seconds,
        landing_file
    from activity_rows
    where exclusion_reason is null
)

select * from final
