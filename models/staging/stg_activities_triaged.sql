-- one row per distinct raw activities row, with reject_reason (null = valid; SPEC section 8)
{{ triage_rows('base_activities', 'activity_id', 'occurred_at') }}
