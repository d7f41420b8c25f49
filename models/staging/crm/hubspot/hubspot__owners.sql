-- one row per HubSpot owner (the `owner` table): the id the raw tables carry as owner_id and
-- a readable name (first and last name; else the email), for crm_owners
with

owners as (
    {{ crm_table('hubspot', 'owner') }}
),

cleaned as (
    select
        {{ clean_text('owner_id') }} as owner_id,
        {{ clean_text(dbt.concat([
            "coalesce(" ~ clean_text('first_name') ~ ", '')", "' '",
            "coalesce(" ~ clean_text('last_name') ~ ", '')"])) }} as full_name,
        {{ clean_text('email') }} as owner_email
    from owners
),

final as (
    select
        owner_id,
        coalesce(full_name, owner_email) as owner_name,
        owner_email,
        'hubspot' as crm
    from cleaned
    where owner_id is not null
)

select * from final
