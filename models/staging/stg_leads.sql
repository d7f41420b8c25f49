-- one row per valid lead: typed, cleaned, deduplicated (rejects are in dq_rejected_rows)
with

triaged as (select * from {{ ref('stg_leads_triaged') }}),

final as (
    select
        -- ids
        lead_id,
        owner_id,

        -- profile
        email,
        {{ dbt.split_part('email', "'@'", 2) }} as email_domain,
        first_name,
        last_name,
        job_title,
        phone,

        -- firmographics
        company_name,
        company_size,
        industry,
        country,

        -- marketing attribution
        lead_source,
        acquisition_offer,

        -- timestamps
        created_at
    from triaged
    where reject_reason is null
)

select * from final
