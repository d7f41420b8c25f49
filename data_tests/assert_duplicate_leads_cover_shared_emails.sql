-- mart_duplicate_leads misses no shared email and counts its groups right: every valid lead
-- whose email another valid lead has is in exactly one same_email group, and each group's
-- group_size is its number of rows with one survivor
with

leads as (select * from {{ ref('stg_leads') }}),
duplicates as (select * from {{ ref('mart_duplicate_leads') }}),

shared_emails as (
    select email
    from leads
    where email is not null
    group by email
    having count(*) > 1
),

leads_with_shared_email as (
    select leads.lead_id
    from leads
    inner join shared_emails
        on leads.email = shared_emails.email
),

email_rows as (
    select
        lead_id,
        count(*) as groups_of_lead
    from duplicates
    where match_reason = 'same_email'
    group by lead_id
),

missed_or_repeated as (
    select
        coalesce(leads_with_shared_email.lead_id, email_rows.lead_id) as checked_id,
        'lead with a shared email not in exactly one same_email group' as problem
    from leads_with_shared_email
    full outer join email_rows
        on leads_with_shared_email.lead_id = email_rows.lead_id
    where leads_with_shared_email.lead_id is null
        or email_rows.lead_id is null
        or email_rows.groups_of_lead != 1
),

miscounted_groups as (
    select
        duplicate_group_id as checked_id,
        'group_size is not its row count, or not one survivor' as problem
    from duplicates
    group by duplicate_group_id
    having count(*) != max(group_size)
        or count(*) != min(group_size)
        or sum(case when is_survivor then 1 else 0 end) != 1
        or count(distinct survivor_lead_id) != 1
),

final as (
    select
        checked_id,
        problem
    from missed_or_repeated
    union all
    select
        checked_id,
        problem
    from miscounted_groups
)

select * from final
