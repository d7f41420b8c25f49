-- one row per Salesforce person id that stands for a lead kept in the raw leads: the lead's
-- own id, and the id of the contact it was converted into. Tasks, events and campaign
-- members name a person by either id (who_id, lead_id, contact_id); after conversion the
-- activities land on the contact, so both ids map to the one lead and the person is never
-- counted twice. A contact several leads were converted into (converted into an existing
-- contact) maps to the earliest created of them.
with

leads as ({{ crm_table('salesforce', 'lead') }}),

kept_leads as (
    select
        id as lead_id,
        converted_contact_id,
        {{ parse_timestamp_utc('created_date') }} as created_at
    from leads
    where not {{ crm_is_true('is_deleted') }} and id is not null
),

converted_contacts as (
    select
        converted_contact_id as person_id,
        lead_id,
        row_number() over (partition by converted_contact_id order by created_at, lead_id) as lead_rank
    from kept_leads
    where converted_contact_id is not null
),

final as (
    select
        lead_id as person_id,
        lead_id,
        'lead' as person_kind
    from kept_leads
    union all
    select
        person_id,
        lead_id,
        'converted_contact' as person_kind
    from converted_contacts
    where lead_rank = 1
)

select * from final
