-- one row per Salesforce lead that is not soft-deleted, as a raw `leads` row (the raw
-- contract's columns, text) plus landing_file naming the source table. Converted leads stay
-- leads (their contact is never a second lead: salesforce__people). acquisition_offer is
-- the type of the first campaign the lead responded to (lower case, spaces as _: Webinar ->
-- webinar, Trade Show -> trade_show), null (unknown) when it responded to none.
with

leads as ({{ crm_table('salesforce', 'lead') }}),

campaign_responses as (select * from {{ ref('salesforce__campaign_responses') }}),

first_responses as (
    select
        lead_id,
        campaign_type,
        row_number() over (
            partition by lead_id
            order by {{ parse_timestamp_utc('occurred_at') }}, activity_id
        ) as response_rank
    from campaign_responses
    where not is_attendance
),

final as (
    select
        leads.id as lead_id,
        leads.created_date as created_at,
        leads.email,
        leads.first_name,
        leads.last_name,
        leads.title as job_title,
        leads.phone,
        leads.company as company_name,
        leads.number_of_employees as company_size,
        leads.industry,
        leads.country,
        leads.lead_source,
        replace(lower(trim(first_responses.campaign_type)), ' ', '_') as acquisition_offer,
        leads.owner_id,
        'salesforce.lead' as landing_file
    from leads
    left join first_responses
        on leads.id = first_responses.lead_id and first_responses.response_rank = 1
    where not {{ crm_is_true('leads.is_deleted') }}
)

select * from final
