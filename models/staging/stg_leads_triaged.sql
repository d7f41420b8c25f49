-- one row per distinct raw leads row, with reject_reason (null = valid; SPEC section 8)
{{ triage_rows('base_leads', 'lead_id', 'created_at') }}
