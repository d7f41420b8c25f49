-- one row per HubSpot contact that is not deleted: the raw `leads` table (raw contract
-- columns, as text) built from the `contact` table; lead_id is the contact id
with

contacts as (select * from {{ ref('stg_hubspot__contacts') }}),

final as (
    select
        contact_id as lead_id,
        created_at_text as created_at,
        email,
        first_name,
        last_name,
        job_title,
        phone,
        company_name,
        -- HubSpot's contact property numemployees is a range picklist (1-5, 5-25, 25-50,
        -- 50-100, 100-500, 500-1000, 1000+): its lower bound is the size (a number stays a
        -- number); anything else is passed on and reported as unparseable by staging
        replace({{ dbt.split_part('number_of_employees', "'-'", 1) }}, '+', '') as company_size,
        industry,
        country,
        -- HubSpot's original source (hs_analytics_source) in the channel names of the funnel
        case analytics_source
            when 'ORGANIC_SEARCH' then 'organic_search'
            when 'PAID_SEARCH' then 'paid_search'
            when 'EMAIL_MARKETING' then 'email'
            when 'SOCIAL_MEDIA' then 'social'
            when 'PAID_SOCIAL' then 'social'
            when 'REFERRALS' then 'referral'
            when 'DIRECT_TRAFFIC' then 'direct'
            when 'OTHER_CAMPAIGNS' then 'other'
            when 'OFFLINE' then 'other'
            else lower(analytics_source)
        end as lead_source,
        -- HubSpot has no standard property for the offer a contact first converted on
        cast(null as {{ dbt.type_string() }}) as acquisition_offer,
        owner_id,
        'hubspot.contact' as landing_file
    from contacts
    where not is_deleted
)

select * from final
