-- one row per distinct raw stage_changes row, with reject_reason (null = valid;
-- docs/definitions.md#bad-input)
{{ triage_rows('base_stage_changes', 'change_id', 'changed_at', lead_key=true) }}
