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

data_fingerprints as (
    select * from {{ ref('int_lead_data_fingerprints') }}
    where lead_fingerprint is not null
),
scoring_rules as (select * from {{ ref('int_scoring_rules_parsed') }}),
stages as (select * from {{ ref('stages') }}),
free_email_domains as (select * from {{ ref('free_email_domains') }}),

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
        data_fingerprints.lead_id,
        case
            when data_fingerprints.activities_fingerprint is not null
                then {{ row_hash(['data_fingerprints.lead_fingerprint', 'data_fingerprints.activities_fingerprint',
                                  'activity_config.config_fingerprint']) }}
        end as activity_input_fingerprint,
        {{ row_hash(['data_fingerprints.lead_fingerprint', 'data_fingerprints.stage_changes_fingerprint',
                     'stage_config.config_fingerprint']) }} as stage_input_fingerprint,
        {{ row_hash(['data_fingerprints.lead_fingerprint', 'data_fingerprints.activities_fingerprint',
                     'activity_config.config_fingerprint', 'score_config.config_fingerprint']) }}
            as score_input_fingerprint
    from data_fingerprints
    cross join activity_config
    cross join stage_config
    cross join score_config
)

select * from final
