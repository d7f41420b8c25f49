-- one row per HubSpot deal (the `deal` table), soft-deleted ones included and flagged, with
-- the one contact it is credited to: of its associated contacts (deal_contact) that are not
-- deleted, the earliest created (then the lowest id). A deal with several contacts is
-- counted once, on that contact, so its revenue is never counted twice; a deal left with
-- no contact has none (its stage entries are passed on without a lead: staging rejects
-- them as unknown_lead, so dq_rejected_rows names them)
with

deals as (
    {{ crm_table('hubspot', 'deal') }}
),

deal_contacts as (
    {{ crm_table('hubspot', 'deal_contact') }}
),

contacts as (select * from {{ ref('stg_hubspot__contacts') }}),

-- the associations to contacts that are not deleted, ranked per deal
associated as (
    select
        {{ clean_text('deal_contacts.deal_id') }} as deal_id,
        contacts.contact_id,
        row_number() over (
            partition by {{ clean_text('deal_contacts.deal_id') }}
            order by contacts.created_at, contacts.contact_id
        ) as contact_rank,
        count(*) over (partition by {{ clean_text('deal_contacts.deal_id') }}) as contact_count
    from deal_contacts
    inner join contacts
        on {{ clean_text('deal_contacts.contact_id') }} = contacts.contact_id
    where not contacts.is_deleted
),

cleaned as (
    select
        {{ clean_text('deal_id') }} as deal_id,
        -- Fivetran documents is_deleted and _fivetran_deleted on deal as equivalent: either
        -- marks the deal deleted
        {{ crm_is_true('is_deleted') }} or {{ crm_is_true('_fivetran_deleted') }} as is_deleted,
        {{ clean_text('owner_id') }} as owner_id,
        {{ clean_text('property_amount') }} as amount,
        {{ clean_text('property_closed_lost_reason') }} as closed_lost_reason
    from deals
),

final as (
    select
        -- ids
        cleaned.deal_id,
        associated.contact_id,
        cleaned.owner_id,

        -- strings
        cleaned.amount,
        cleaned.closed_lost_reason,

        -- numerics
        coalesce(associated.contact_count, 0) as contact_count,

        -- booleans
        cleaned.is_deleted
    from cleaned
    left join associated
        on cleaned.deal_id = associated.deal_id
            and associated.contact_rank = 1
    where cleaned.deal_id is not null
)

select * from final
