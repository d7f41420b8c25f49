-- one row per valid lead: fingerprints of everything the lead-partitioned incremental
-- models build the lead's rows from (macros/materializations/incremental.sql).
-- activity_input_fingerprint: the lead row, its valid activities, the scoring rules, the
-- sales-touch types and var mask_pii (int_activity_rule_matches, int_activities_scored,
-- fct_lead_activities); stage_input_fingerprint: the lead row, its valid stage changes,
-- seeds/config/stages.csv and var mask_pii (int_lead_stage_entries,
-- fct_lead_stage_history); score_input_fingerprint: the lead row,
-- its valid activities, the scoring rules, the free-mail domains and the scoring vars
-- (int_lead_score_moments, which has rows for every valid lead). Null where the model has
-- nothing to build for the lead (an unknown lead, a lead without activities).
{%- set sales_touch_types = var('sales_touch_activity_types', ['sales_call', 'sales_email', 'sales_meeting']) %}
{#- The version of the lead-partitioned models' own logic: bump it when the SQL of one of
    them changes what it computes, so an incremental run rebuilds every lead (as a full
    refresh would) instead of mixing rows built by the old and the new logic. -#}
{%- set model_logic_version = '2026-11-27' %}
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
            "'mask_pii=" ~ mask_pii_enabled() ~ "'",
            "'" ~ model_logic_version ~ "'",
        ]) }} as config_fingerprint
    from scoring_rules
),

-- the profile score reads the free-mail domains; the moments read the scoring vars
score_config as (
    select
        {{ row_hash([
            fingerprint_sum(row_hash(['domain'])),
            "'" ~ scoring_vars | join('|') ~ "'",
            "'" ~ model_logic_version ~ "'",
        ]) }} as config_fingerprint
    from free_email_domains
),

stage_config as (
    select
        {{ row_hash([
            fingerprint_sum(row_hash(['stage', 'stage_order', 'stage_group', 'sla_decision'])),
            "'mask_pii=" ~ mask_pii_enabled() ~ "'",
            "'" ~ model_logic_version ~ "'",
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
