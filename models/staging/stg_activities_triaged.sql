-- one row per distinct raw activities row, with reject_reason (null = valid;
-- docs/definitions.md#bad-input)
{{ triage_rows('base_activities', 'activity_id', 'occurred_at', lead_key=true) }}
