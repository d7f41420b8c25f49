-- one row per distinct raw qualifications row, with reject_reason (null = valid;
-- docs/definitions.md#bad-input)
{{ triage_rows('base_qualifications', 'qualification_id', 'recorded_at', lead_key=true) }}
