-- one row per valid lead: its profile, fit / engagement / negative scores at as_of, grade,
-- priority tier, MQL eligibility and the first moment it became eligible, and its current
-- stage, and its account (int_lead_accounts) with the account's customer facts
-- (int_account_customers), so routing can send a lead of an existing customer to the account
-- owner. Scores and the threshold test at as_of come from int_lead_as_of_scores, the first
-- stored moment at or above the threshold from int_lead_threshold_crossings.
-- Its MQL level (int_lead_mql_levels): the highest-order level reached by as_of, when, and
-- the highest reached by its latest MQL entry (int_mql_entries); none while disqualified.
-- The only model holding contacts (names, email, phone); mask_pii replaces the email with
-- a keyed hash (pii_hash) and drops names and phone.
{%- set mask_pii = mask_pii_enabled() %}
{%- set masked = 'cast(null as ' ~ dbt.type_string() ~ ')' %}
with

leads as (select * from {{ ref('stg_leads') }}),
profile_scores as (select * from {{ ref('int_leads_profile_scored') }}),
as_of_scores as (select * from {{ ref('int_lead_as_of_scores') }}),
threshold_crossings as (select * from {{ ref('int_lead_threshold_crossings') }}),
profile_rule_matches as (select * from {{ ref('int_lead_profile_rule_matches') }} where is_disqualifying),
activity_rule_matches as (select * from {{ ref('int_activity_rule_matches') }} where is_disqualifying),
stages_reached as (select * from {{ ref('int_lead_stages_reached') }}),
lead_accounts as (select * from {{ ref('int_lead_accounts') }}),
accounts as (select * from {{ ref('int_account_customers') }}),
as_of as (select * from {{ ref('run_as_of') }}),
mql_levels as (select * from {{ ref('int_lead_mql_levels') }}),
mql_entries as (select * from {{ ref('int_mql_entries') }}),
engagement as (select * from {{ ref('int_lead_engagement') }}),

disqualifying_rules as (
    select
        lead_id,
        rule_id
    from profile_rule_matches
    union
    select
        lead_id,
        rule_id
    from activity_rule_matches
),

disqualifications as (
    select
        lead_id,
        {{ listagg_ordered('rule_id') }} as disqualification_reasons
    from disqualifying_rules
    group by lead_id
),

-- the score at as_of, and the first moment up to as_of at which it was at or above the
-- threshold: the first stored one when it is not after as_of, else the as_of moment when the
-- score is at or above the threshold then
scores_now as (
    select
        as_of_scores.lead_id,
        as_of_scores.engagement_score_at as engagement_score,
        as_of_scores.lead_score_at as lead_score,
        as_of_scores.is_at_or_above_threshold,
        case
            when threshold_crossings.first_stored_at_or_above_threshold_at <= as_of_scores.moment_at
                then threshold_crossings.first_stored_at_or_above_threshold_at
            when as_of_scores.is_at_or_above_threshold
                then as_of_scores.moment_at
        end as first_at_or_above_threshold_at
    from as_of_scores
    left join threshold_crossings
        on as_of_scores.lead_id = threshold_crossings.lead_id
),

-- the highest-order level each lead has reached (levels are never lost once reached)
current_levels as (
    select
        lead_id,
        level as current_mql_level,
        first_reached_at as current_mql_level_reached_at
    from (
        select
            lead_id,
            level,
            first_reached_at,
            row_number() over (partition by lead_id order by level_order desc) as level_rank
        from mql_levels
    ) as ranked_levels
    where level_rank = 1
),

latest_mql_entries as (
    select
        lead_id,
        max(mql_entered_at) as latest_mql_entered_at
    from mql_entries
    group by lead_id
),

-- the highest-order level reached at or before the lead's latest MQL entry: which bar the
-- lead had cleared when marketing handed it over
levels_at_latest_mql_entry as (
    select
        lead_id,
        level as mql_level_at_latest_mql_entry
    from (
        select
            mql_levels.lead_id,
            mql_levels.level,
            row_number() over (
                partition by mql_levels.lead_id
                order by mql_levels.level_order desc
            ) as level_rank
        from mql_levels
        inner join latest_mql_entries
            on mql_levels.lead_id = latest_mql_entries.lead_id
                and mql_levels.first_reached_at <= latest_mql_entries.latest_mql_entered_at
    ) as ranked_levels
    where level_rank = 1
),

scored as (
    select
        profile_scores.lead_id,
        profile_scores.fit_score,
        scores_now.engagement_score,
        profile_scores.negative_score,
        scores_now.lead_score,
        scores_now.is_at_or_above_threshold,
        profile_scores.is_profile_complete,
        disqualifications.lead_id is not null as is_disqualified,
        disqualifications.disqualification_reasons,
        scores_now.first_at_or_above_threshold_at
    from profile_scores
    inner join scores_now
        on profile_scores.lead_id = scores_now.lead_id
    left join disqualifications
        on profile_scores.lead_id = disqualifications.lead_id
),

final as (
    select
        -- ids
        leads.lead_id,
        leads.owner_id,

        -- profile (PII)
        {{ pii_hash('leads.email') if mask_pii else 'leads.email' }} as email,
        {{ masked if mask_pii else 'leads.first_name' }} as first_name,
        {{ masked if mask_pii else 'leads.last_name' }} as last_name,
        leads.job_title,
        {{ masked if mask_pii else 'leads.phone' }} as phone,

        -- firmographics
        leads.company_name,
        leads.company_size,
        leads.industry,
        leads.country,
        leads.email_domain,

        -- marketing attribution
        leads.lead_source,
        leads.acquisition_offer,

        -- scores
        scored.fit_score,
        scored.engagement_score,
        scored.negative_score,
        scored.lead_score,
        {{ score_band('scored.fit_score', var('lead_grade_bands'), 'D') }} as lead_grade,
        {{ score_band('scored.lead_score', var('priority_tier_bands'), 'low') }} as priority_tier,

        -- MQL eligibility
        scored.is_profile_complete,
        scored.is_disqualified,
        scored.disqualification_reasons,
        scored.is_at_or_above_threshold
        and scored.is_profile_complete
        and not scored.is_disqualified as is_mql_eligible,
        case
            when scored.is_profile_complete and not scored.is_disqualified
                then scored.first_at_or_above_threshold_at
        end as mql_eligible_at,

        -- MQL levels (seed mql_levels); a disqualified lead has none, as it is never eligible
        case when not scored.is_disqualified then current_levels.current_mql_level end as current_mql_level,
        case when not scored.is_disqualified then current_levels.current_mql_level_reached_at end
            as current_mql_level_reached_at,
        case when not scored.is_disqualified then levels_at_latest_mql_entry.mql_level_at_latest_mql_entry end
            as mql_level_at_latest_mql_entry,

        -- funnel: a contact until its first engagement (int_lead_engagement), a lead from then on
        engagement.engaged_at,
        stages_reached.current_stage,

        -- account
        lead_accounts.account_id,
        lead_accounts.account_name,
        lead_accounts.account_match_method,
        -- another lead of the account has reached customer and this one has not
        coalesce(accounts.customer_at is not null and not stages_reached.reached_customer, false)
            as is_existing_customer_account,
        accounts.customer_at as account_customer_since,
        accounts.account_owner_id,

        -- timestamps
        leads.created_at,
        as_of.as_of_at as scored_as_of
    from leads
    inner join scored
        on leads.lead_id = scored.lead_id
    left join stages_reached
        on leads.lead_id = stages_reached.lead_id
    left join engagement
        on leads.lead_id = engagement.lead_id
    left join current_levels
        on leads.lead_id = current_levels.lead_id
    left join levels_at_latest_mql_entry
        on leads.lead_id = levels_at_latest_mql_entry.lead_id
    left join lead_accounts
        on leads.lead_id = lead_accounts.lead_id
    left join accounts
        on lead_accounts.account_id = accounts.account_id
    cross join as_of
)

select * from final
