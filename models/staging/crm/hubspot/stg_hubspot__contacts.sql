-- one row per HubSpot contact record (the `contact` table), soft-deleted ones included and
-- flagged: the contact's key, its email as matched to email events, its creation time (to
-- pick the earliest of several contacts), its owner's id and the profile fields as text
with

contacts as (
    {{ crm_table('hubspot', 'contact') }}
),

cleaned as (
    select
        {{ clean_text('id') }} as contact_id,
        {{ crm_is_true('_fivetran_deleted') }} as is_deleted,
        {{ clean_text('property_email') }} as email,
        {{ clean_text('property_firstname') }} as first_name,
        {{ clean_text('property_lastname') }} as last_name,
        {{ clean_text('property_jobtitle') }} as job_title,
        {{ clean_text('property_phone') }} as phone,
        {{ clean_text('property_company') }} as company_name,
        {{ clean_text('property_numemployees') }} as number_of_employees,
        {{ clean_text('property_industry') }} as industry,
        {{ clean_text('property_country') }} as country,
        upper({{ clean_text('property_hs_analytics_source') }}) as analytics_source,
        {{ clean_text('property_createdate') }} as created_at_text,
        {{ clean_text('property_hubspot_owner_id') }} as owner_id
    from contacts
),

final as (
    select
        -- ids
        cleaned.contact_id,
        cleaned.owner_id,

        -- strings
        cleaned.email,
        lower(cleaned.email) as email_key,
        cleaned.first_name,
        cleaned.last_name,
        cleaned.job_title,
        cleaned.phone,
        cleaned.company_name,
        cleaned.number_of_employees,
        cleaned.industry,
        cleaned.country,
        cleaned.analytics_source,

        -- booleans
        cleaned.is_deleted,

        -- timestamps (the text is what the leads table carries; staging types it)
        cleaned.created_at_text,
        {{ parse_timestamp_utc('cleaned.created_at_text') }} as created_at
    from cleaned
    where cleaned.contact_id is not null
)

select * from final
