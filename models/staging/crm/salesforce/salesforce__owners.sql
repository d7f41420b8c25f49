-- one row per Salesforce user (read by crm_owners): the id that owner_id and created_by_id
-- hold, with the user's name (user.name, else first and last name, else the email)
with

users as ({{ crm_table('salesforce', 'user') }}),

final as (
    select
        id as owner_id,
        coalesce(
            nullif(trim(name), ''),
            nullif(trim({{ dbt.concat(["coalesce(first_name, '')", "' '", "coalesce(last_name, '')"]) }}), ''),
            email
        ) as owner_name,
        email as owner_email,
        'salesforce' as crm
    from users
    where id is not null
)

select * from final
