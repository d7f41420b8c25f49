-- docs/definitions.md#bad-input: an activity dated before its lead's created_at (backdated or
-- imported late) is kept and scored, and surfaced here as a warning
{{ config(severity='warn') }}
select
    activity_id,
    lead_id,
    activity_type,
    occurred_at
from {{ ref('fct_lead_activities') }}
where is_before_lead_created
