-- one row per valid lead: the account it belongs to and how it was matched, or why it was not
-- (docs/definitions.md, "Accounts: matching leads to accounts"). In order: an override of the
-- lead's registrable email domain, an override of its normalised company name, its business
-- email domain, then (free mail or no email) the one domain account known by its company name,
-- else an account of that name alone. Domains and names are normalised once per distinct value.
with

leads as (select * from {{ ref('stg_leads') }}),
free_email_domains as (select * from {{ ref('free_email_domains') }}),
public_domain_suffixes as (select * from {{ ref('public_domain_suffixes') }}),
company_legal_suffixes as (select * from {{ ref('company_legal_suffixes') }}),
account_overrides as (select * from {{ ref('account_overrides') }}),

free_domains as (
    select distinct {{ clean_domain('domain') }} as email_domain
    from free_email_domains
),

second_level_suffixes as (
    select distinct {{ clean_domain('suffix') }} as suffix
    from public_domain_suffixes
),

legal_suffixes as (
    select distinct {{ normalize_match_text('suffix') }} as suffix
    from company_legal_suffixes
),

overrides as (
    select
        lower(trim(match_type)) as match_type,
        match_value,
        trim(account_id) as account_id,
        trim(account_name) as account_name
    from account_overrides
),

-- every domain to reduce: the leads' email domains and the override domains
domain_values as (
    select distinct email_domain as domain_value
    from leads
    where email_domain is not null
    union
    select distinct match_value as domain_value
    from overrides
    where match_type = 'domain'
),

domains_cleaned as (
    select
        domain_value,
        {{ clean_domain('domain_value') }} as domain_cleaned
    from domain_values
),

domains_split as (
    select
        domain_value,
        domain_cleaned,
        {{ domain_label_count('domain_cleaned') }} as label_count,
        {{ domain_last_labels('domain_cleaned', 2) }} as last_two_labels,
        {{ domain_last_labels('domain_cleaned', 3) }} as last_three_labels
    from domains_cleaned
),

-- the registrable domain: the last two labels, or three under a second-level public suffix
-- (mail.acme.com -> acme.com, uk.acme.co.uk -> acme.co.uk)
registrable_domains as (
    select
        domains_split.domain_value,
        case
            when second_level_suffixes.suffix is not null and domains_split.label_count >= 3
                then domains_split.last_three_labels
            else domains_split.last_two_labels
        end as registrable_domain
    from domains_split
    left join second_level_suffixes
        on domains_split.last_two_labels = second_level_suffixes.suffix
),

-- every company name to normalise: the leads' and the override names
name_values as (
    select distinct company_name as name_value
    from leads
    where company_name is not null
    union
    select distinct match_value as name_value
    from overrides
    where match_type = 'company_name'
),

names_cleaned as (
    select
        name_value,
        {{ strip_leading_the(normalize_match_text('name_value')) }} as name_cleaned
    from name_values
),

names_measured as (
    select
        name_value,
        name_cleaned,
        {{ dbt.length('name_cleaned') }} as name_length
    from names_cleaned
),

-- the longest legal suffix ending the name as whole words (a name that is only a suffix
-- keeps it: the match needs a word before the suffix)
name_suffixes as (
    select
        names_measured.name_value,
        -- the length of the name without its suffix and the space before it
        names_measured.name_length - max({{ dbt.length('legal_suffixes.suffix') }}) - 1 as kept_length
    from names_measured
    inner join legal_suffixes
        on {{ dbt.right('names_measured.name_cleaned', dbt.length('legal_suffixes.suffix') ~ ' + 1') }}
            = {{ dbt.concat(["' '", 'legal_suffixes.suffix']) }}
    group by names_measured.name_value, names_measured.name_length
),

names_normalized as (
    select
        names_measured.name_value,
        case
            when name_suffixes.kept_length is not null
                then substr(names_measured.name_cleaned, 1, name_suffixes.kept_length)
            else names_measured.name_cleaned
        end as company_name_normalized
    from names_measured
    left join name_suffixes
        on names_measured.name_value = name_suffixes.name_value
),

-- one account per override value, normalised (two rows of one value: the smallest
-- account_id wins)
domain_overrides as (
    select
        registrable_domains.registrable_domain,
        min(overrides.account_id) as account_id
    from overrides
    inner join registrable_domains
        on overrides.match_value = registrable_domains.domain_value
    where overrides.match_type = 'domain'
    group by registrable_domains.registrable_domain
),

name_overrides as (
    select
        names_normalized.company_name_normalized,
        min(overrides.account_id) as account_id
    from overrides
    inner join names_normalized
        on overrides.match_value = names_normalized.name_value
    where overrides.match_type = 'company_name'
        and names_normalized.company_name_normalized is not null
    group by names_normalized.company_name_normalized
),

override_accounts as (
    select
        account_id,
        min(account_name) as account_name
    from overrides
    group by account_id
),

lead_keys as (
    select
        leads.lead_id,
        leads.created_at,
        leads.company_name,
        leads.email_domain,
        free_domains.email_domain is not null as is_free_email,
        -- a business domain: the registrable part of a non-free email domain
        case
            when free_domains.email_domain is null then registrable_domains.registrable_domain
        end as account_domain,
        names_normalized.company_name_normalized
    from leads
    left join free_domains
        on leads.email_domain = free_domains.email_domain
    left join registrable_domains
        on leads.email_domain = registrable_domains.domain_value
    left join names_normalized
        on leads.company_name = names_normalized.name_value
),

-- overrides first, then the business domain
direct_matches as (
    select
        lead_keys.lead_id,
        case
            when domain_overrides.account_id is not null then domain_overrides.account_id
            when name_overrides.account_id is not null then name_overrides.account_id
            else lead_keys.account_domain
        end as account_id,
        case
            when domain_overrides.account_id is not null then 'override_domain'
            when name_overrides.account_id is not null then 'override_company_name'
            when lead_keys.account_domain is not null then 'email_domain'
        end as account_match_method
    from lead_keys
    left join domain_overrides
        on lead_keys.account_domain = domain_overrides.registrable_domain
    left join name_overrides
        on lead_keys.company_name_normalized = name_overrides.company_name_normalized
),

-- the name a domain account is known by: the normalised company name of more than half of
-- its domain-matched leads that name a company (so a university or a competitor domain whose
-- leads name many companies is known by none of them)
domain_account_names as (
    select
        direct_matches.account_id,
        lead_keys.company_name_normalized,
        count(*) as leads_with_name,
        sum(count(*)) over (partition by direct_matches.account_id) as leads_with_any_name
    from direct_matches
    inner join lead_keys
        on direct_matches.lead_id = lead_keys.lead_id
    where direct_matches.account_match_method in ('override_domain', 'email_domain')
        and lead_keys.company_name_normalized is not null
    group by direct_matches.account_id, lead_keys.company_name_normalized
),

account_known_names as (
    select
        account_id,
        company_name_normalized
    from domain_account_names
    where 2 * leads_with_name > leads_with_any_name
),

known_names as (
    select
        company_name_normalized,
        count(*) as candidate_accounts,
        min(account_id) as only_account_id,
        {{ listagg_ordered('account_id', "', '") }} as candidate_account_ids
    from account_known_names
    group by company_name_normalized
),

-- the rest (free mail or no email): by company name
matches as (
    select
        lead_keys.lead_id,
        case
            when direct_matches.account_match_method is not null then direct_matches.account_id
            when lead_keys.company_name_normalized is null then null
            when known_names.candidate_accounts = 1 then known_names.only_account_id
            when known_names.candidate_accounts > 1 then null
            else {{ dbt.concat(["'name:'", 'lead_keys.company_name_normalized']) }}
        end as account_id,
        case
            when direct_matches.account_match_method is not null
                then direct_matches.account_match_method
            when lead_keys.company_name_normalized is null then 'unmatched'
            when known_names.candidate_accounts > 1 then 'unmatched'
            else 'company_name'
        end as account_match_method,
        case
            when direct_matches.account_match_method is not null then null
            when lead_keys.company_name_normalized is null then 'no_business_domain_or_company'
            when known_names.candidate_accounts > 1 then 'ambiguous_company_name'
        end as unmatched_reason,
        case
            when direct_matches.account_match_method is null and known_names.candidate_accounts > 1
                then known_names.candidate_account_ids
        end as candidate_account_ids
    from lead_keys
    inner join direct_matches
        on lead_keys.lead_id = direct_matches.lead_id
    left join known_names
        on lead_keys.company_name_normalized = known_names.company_name_normalized
),

-- the display name: the override's, else the most frequent company name as written among the
-- account's leads that carry the name it is known by (ties: the name of the earliest created
-- lead), else (a domain account known by no name) its domain
name_counts as (
    select
        matches.account_id,
        lead_keys.company_name,
        count(*) as leads_with_name,
        min(lead_keys.created_at) as first_created_at,
        min(lead_keys.lead_id) as first_lead_id
    from matches
    inner join lead_keys
        on matches.lead_id = lead_keys.lead_id
    left join account_known_names
        on matches.account_id = account_known_names.account_id
    where lead_keys.company_name_normalized = account_known_names.company_name_normalized
        or matches.account_id = {{ dbt.concat(["'name:'", 'lead_keys.company_name_normalized']) }}
    group by matches.account_id, lead_keys.company_name
),

name_ranks as (
    select
        account_id,
        company_name,
        row_number() over (
            partition by account_id
            order by leads_with_name desc, first_created_at asc, first_lead_id asc
        ) as name_rank
    from name_counts
),

final as (
    select
        lead_keys.lead_id,
        lead_keys.email_domain,
        lead_keys.is_free_email,
        lead_keys.account_domain,
        lead_keys.company_name_normalized,
        matches.account_id,
        case
            when matches.account_id is not null
                then coalesce(override_accounts.account_name, name_ranks.company_name, matches.account_id)
        end as account_name,
        matches.account_match_method,
        matches.unmatched_reason,
        matches.candidate_account_ids
    from lead_keys
    inner join matches
        on lead_keys.lead_id = matches.lead_id
    left join override_accounts
        on matches.account_id = override_accounts.account_id
    left join name_ranks
        on matches.account_id = name_ranks.account_id
            and name_ranks.name_rank = 1
)

select * from final
