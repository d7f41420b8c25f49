-- one row per lead in a duplicate group: leads sharing an email, or a normalised full name
-- within one account, so sales can merge them (docs/definitions.md, "Duplicate leads"). A lead
-- in two groups has a row in each. The suggested survivor of a group is the lead furthest in
-- the funnel, then the earliest created, then the smallest lead_id. Neither the email nor the
-- name is published: a group is named after its smallest lead_id.
with

leads as (select * from {{ ref('stg_leads') }}),
lead_accounts as (select * from {{ ref('int_lead_accounts') }}),
stage_entries as (select * from {{ ref('int_lead_stage_entries') }}),
stages as (select * from {{ ref('stages') }}),

-- both names, normalised like company names (case, punctuation, spaces), once per distinct
-- pair of names: names repeat across leads, and the normalisation is the costly part (at 1M
-- leads with 3,864 distinct pairs this model took 2.5 s normalising every lead's, 1.5 s now)
full_names as (
    select
        first_name,
        last_name,
        {{ normalize_match_text(dbt.concat(['first_name', "' '", 'last_name'])) }} as full_name_normalized
    from (
        select distinct
            first_name,
            last_name
        from leads
        where first_name is not null
            and last_name is not null
    ) as name_pairs
),

lead_keys as (
    select
        leads.lead_id,
        leads.created_at,
        lead_accounts.account_id,
        -- stg_leads' email is already trimmed and lower-cased
        leads.email,
        full_names.full_name_normalized
    from leads
    inner join lead_accounts
        on leads.lead_id = lead_accounts.lead_id
    left join full_names
        on leads.first_name = full_names.first_name
            and leads.last_name = full_names.last_name
),

-- candidate members: a group key per reason (only keys held by two or more leads matter)
candidates as (
    select
        lead_id,
        'same_email' as match_reason,
        email as group_key,
        email
    from lead_keys
    where email is not null
    union all
    select
        lead_id,
        'same_name_in_account' as match_reason,
        {{ dbt.concat(['account_id', "'|'", 'full_name_normalized']) }} as group_key,
        email
    from lead_keys
    where account_id is not null
        and full_name_normalized is not null
),

-- a name group whose leads all share one email is the email group again: only name groups
-- with two or more contacts (distinct emails, a lead without email counting as its own) are
-- kept
duplicate_groups as (
    select
        match_reason,
        group_key,
        count(*) as group_size,
        -- named after its smallest lead_id
        {{ dbt.concat(['match_reason', "':'", 'min(lead_id)']) }} as duplicate_group_id
    from candidates
    group by match_reason, group_key
    having count(*) > 1
        and (
            match_reason = 'same_email'
            or count(distinct coalesce(email, {{ dbt.concat(["'no email: '", 'lead_id']) }})) > 1
        )
),

furthest_stages as (
    select
        lead_id,
        max(stage_order) as furthest_stage_order
    from stage_entries
    where stage_order is not null
    group by lead_id
),

members as (
    select
        duplicate_groups.duplicate_group_id,
        duplicate_groups.match_reason,
        duplicate_groups.group_size,
        candidates.lead_id,
        lead_keys.account_id,
        lead_keys.created_at,
        -- every valid lead reached the lead stage
        coalesce(furthest_stages.furthest_stage_order, 1) as furthest_stage_order,
        row_number() over (
            partition by duplicate_groups.match_reason, duplicate_groups.group_key
            order by
                coalesce(furthest_stages.furthest_stage_order, 1) desc,
                lead_keys.created_at asc,
                candidates.lead_id asc
        ) as survivor_rank
    from duplicate_groups
    inner join candidates
        on duplicate_groups.match_reason = candidates.match_reason
            and duplicate_groups.group_key = candidates.group_key
    inner join lead_keys
        on candidates.lead_id = lead_keys.lead_id
    left join furthest_stages
        on candidates.lead_id = furthest_stages.lead_id
),

survivors as (
    select
        duplicate_group_id,
        lead_id as survivor_lead_id
    from members
    where survivor_rank = 1
),

final as (
    select
        members.duplicate_group_id,
        members.match_reason,
        members.group_size,
        members.lead_id,
        members.account_id,
        members.created_at,
        stages.stage as furthest_stage,
        members.furthest_stage_order,
        survivors.survivor_lead_id,
        members.survivor_rank = 1 as is_survivor
    from members
    inner join survivors
        on members.duplicate_group_id = survivors.duplicate_group_id
    left join stages
        on members.furthest_stage_order = stages.stage_order
            and stages.stage_group = 'funnel'
)

select * from final
