-- one row per distinct raw leads row, with reject_reason (null = valid;
-- docs/definitions.md#bad-input)
{{ triage_rows('base_leads', 'lead_id', 'created_at') }}
