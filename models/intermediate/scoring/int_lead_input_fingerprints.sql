-- one row per valid lead: fingerprints of everything the
-- lead-partitioned incremental models build the lead's rows from (macros/materializations/incremental.sql).
-- activity_input_fingerprint: the lead row, its valid activities, the scoring rules and the
-- sales-touch types (int_activity_rule_matches, int_activities_scored);
-- stage_input_fingerprint: the lead row, its valid stage changes and seeds/config/stages.csv
-- (int_lead_stage_entries); score_input_fingerprint: the lead row, its valid activities,
-- the scoring rules, the free-mail domains and the scoring vars (int_lead_score_moments,
-- which has rows for every valid lead). Each also holds the version of the logic of its
-- models (lead_logic_version, derived from their code), so a change to that code rebuilds
-- every lead. Null where the model has nothing to build for the lead (an unknown lead, a
-- lead without activities).
{%- set sales_touch_types = var('sales_touch_activity_types', ['sales_call', 'sales_email', 'sales_meeting']) %}
{%- set scoring_vars = [scoring_half_life_days(), var('calibration_horizon_days', 30), var('mql_threshold', 100)] %}
with

leads as (select * from {{ ref('stg_leads') }}),
activities as (select * from {{ ref('stg_activities') }}),
stage_changes as (select * from {{ ref('stg_stage_changes') }}),
scoring_rules as (select * from {{ ref('int_scoring_rules_parsed') }}),
stages as (select * from {{ ref('stages') }}),
free_email_domains as (select * from {{ ref('free_email_domains') }}),

lead_rows as (
    select
        lead_id,
        {{ row_hash(['lead_id', 'owner_id', 'email', 'email_domain', 'first_name', 'last_name',
                     'job_title', 'phone', 'company_name', 'company_size', 'industry', 'country',
                     'lead_source', 'acquisition_offer', 'created_at']) }} as lead_fingerprint
    from leads
),

lead_activities as (
    select
        lead_id,
        {{ fingerprint_sum(row_hash(['activity_id', 'owner_id', 'activity_type', 'campaign', 'detail',
                                     'duration_seconds', 'occurred_at'])) }} as activities_fingerprint
    from activities
    group by lead_id
),

lead_stage_changes as (
    select
        lead_id,
        {{ fingerprint_sum(row_hash(['change_id', 'owner_id', 'stage', 'stage_label', 'reason',
                                     'amount', 'changed_at'])) }} as stage_changes_fingerprint
    from stage_changes
    group by lead_id
),

-- configuration: a change re-fingerprints every lead, so every lead is rebuilt
activity_config as (
    select
        {{ row_hash([
            fingerprint_sum(row_hash(['rule_id', 'category', 'field', 'match_operator', 'match_value',
                                      'value_low', 'value_high', 'points', 'max_points',
                                      'is_disqualifying'])),
            "'" ~ sales_touch_types | join('|') ~ "'",
            "'" ~ lead_logic_version('activity_input_fingerprint') ~ "'",
        ]) }} as config_fingerprint
    from scoring_rules
),

-- the profile score reads the free-mail domains; the moments read the scoring vars
score_config as (
    select
        {{ row_hash([
            fingerprint_sum(row_hash(['domain'])),
            "'" ~ scoring_vars | join('|') ~ "'",
            "'" ~ lead_logic_version('score_input_fingerprint') ~ "'",
        ]) }} as config_fingerprint
    from free_email_domains
),

stage_config as (
    select
        {{ row_hash([
            fingerprint_sum(row_hash(['stage', 'stage_order', 'stage_group', 'sla_decision'])),
            "'" ~ lead_logic_version('stage_input_fingerprint') ~ "'",
        ]) }} as config_fingerprint
    from stages
),

final as (
    select
        lead_rows.lead_id,
        case
            when lead_activities.lead_id is not null
                then {{ row_hash(['lead_rows.lead_fingerprint', 'lead_activities.activities_fingerprint',
                                  'activity_config.config_fingerprint']) }}
        end as activity_input_fingerprint,
        {{ row_hash(['lead_rows.lead_fingerprint', 'lead_stage_changes.stage_changes_fingerprint',
                     'stage_config.config_fingerprint']) }} as stage_input_fingerprint,
        {{ row_hash(['lead_rows.lead_fingerprint', 'lead_activities.activities_fingerprint',
                     'activity_config.config_fingerprint', 'score_config.config_fingerprint']) }}
            as score_input_fingerprint
    from lead_rows
    left join lead_activities
        on lead_rows.lead_id = lead_activities.lead_id
    left join lead_stage_changes
        on lead_rows.lead_id = lead_stage_changes.lead_id
    cross join activity_config
    cross join stage_config
    cross join score_config
)

select * from final
