-- one row per valid lead: fingerprints of everything the
-- lead-partitioned incremental models build the lead's rows from (macros/materializations/incremental.sql).
-- activity_input_fingerprint: the lead row, its valid activities, the scoring rules, the
-- sales-touch types and the event attendance types (int_activity_rule_matches,
-- int_activities_scored, int_lead_first_engagements);
-- stage_input_fingerprint: the lead row, its valid stage changes and seeds/config/stages.csv
-- (int_lead_stage_entries); score_input_fingerprint: the lead row, its valid activities,
-- the scoring rules, the free-mail domains, the scoring vars, the hand-raise types and the
-- fields a complete profile needs (int_lead_score_moments, which has rows for every valid lead,
-- int_lead_mql_level_moments, and the profile scores int_lead_profile_rule_matches and
-- int_leads_profile_scored, which read the lead row, the rules and the free-mail domains).
-- Each also holds the version of the logic of its
-- models (lead_logic_version, derived from their code), so a change to that code rebuilds
-- every lead. Null where the model has nothing to build for the lead (an unknown lead, a
-- lead without activities). The activity and score fingerprints also hold the lengths of the
-- events the lead attended whose length is their longest attendance (int_campaign_event_lengths):
-- another lead's longer attendance changes this lead's attendance shares, so it rebuilds the lead.
-- activity_input_fingerprint is the hash of the rest plus the lead's activities fingerprint
-- (fingerprint_add): adding activities to a lead adds their fingerprints to it, which is how a
-- model that extends leads (keep_extended_leads) knows a run only added activities to a lead.
{%- set sales_touch_types = sales_touch_activity_types() %}
{%- set attendance_types = event_attendance_activity_types() %}
{%- set scoring_vars = [scoring_half_life_days(), var('calibration_horizon_days', 30), var('mql_threshold', 100),
                       inquiry_activity_types() | join(','), mql_required_fields() | join(',')] %}
with

data_fingerprints as (
    select * from {{ ref('int_lead_data_fingerprints') }}
    where lead_fingerprint is not null
),
scoring_rules as (select * from {{ ref('int_scoring_rules_parsed') }}),
event_lengths as (
    select * from {{ ref('int_campaign_event_lengths') }}
    where event_length_source = 'longest_attendance'
),
lead_activities as (select * from {{ ref('int_activities_lead_checked') }} where has_known_lead),
stages as (select * from {{ ref('stages') }}),
free_email_domains as (select * from {{ ref('free_email_domains') }}),

-- configuration: a change re-fingerprints every lead, so every lead is rebuilt
activity_config as (
    select
        {{ row_hash([
            fingerprint_sum(row_hash(['rule_id', 'category', 'field', 'match_operator', 'match_value',
                                      'value_low', 'value_high', 'points', 'max_points',
                                      'is_disqualifying', 'has_share_condition', 'share_low',
                                      'share_high'])),
            "'" ~ sales_touch_types | join('|') ~ "'",
            "'" ~ attendance_types | join('|') ~ "'",
            "'" ~ lead_logic_version('activity_input_fingerprint') ~ "'",
        ]) }} as config_fingerprint
    from scoring_rules
),

-- the profile score reads the free-mail domains; the moments read the scoring vars; the MQL
-- levels read the hand-raise types and the fields a complete profile needs
score_config as (
    select
        {{ row_hash([
            fingerprint_sum(row_hash(['domain'])),
            "'" ~ scoring_vars | join('|') ~ "'",
            "'" ~ lead_logic_version('score_input_fingerprint') ~ "'",
        ]) }} as config_fingerprint
    from free_email_domains
),

-- per lead: the fallback lengths of the events it attended (a configured length is a seed,
-- already in the logic version); a per-campaign table joined once to the attendances
lead_event_lengths as (
    select
        lead_activities.lead_id,
        {{ fingerprint_sum(row_hash(['event_lengths.campaign', 'event_lengths.event_length_seconds'])) }}
            as event_lengths_fingerprint
    from lead_activities
    inner join event_lengths
        on lead_activities.campaign = event_lengths.campaign
    where {{ activity_type_in('lead_activities.activity_type', attendance_types) }}
    group by lead_activities.lead_id
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
                then {{ fingerprint_add(
                    row_hash(['data_fingerprints.lead_fingerprint', 'activity_config.config_fingerprint',
                              'lead_event_lengths.event_lengths_fingerprint']),
                    'data_fingerprints.activities_fingerprint') }}
        end as activity_input_fingerprint,
        {{ row_hash(['data_fingerprints.lead_fingerprint', 'data_fingerprints.stage_changes_fingerprint',
                     'stage_config.config_fingerprint']) }} as stage_input_fingerprint,
        {{ row_hash(['data_fingerprints.lead_fingerprint', 'data_fingerprints.activities_fingerprint',
                     'activity_config.config_fingerprint', 'score_config.config_fingerprint',
                     'lead_event_lengths.event_lengths_fingerprint']) }}
            as score_input_fingerprint
    from data_fingerprints
    cross join activity_config
    cross join stage_config
    cross join score_config
    left join lead_event_lengths
        on data_fingerprints.lead_id = lead_event_lengths.lead_id
)

select * from final
