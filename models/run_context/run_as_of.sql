-- one row: the run's "now" (as_of_at) used by scoring, SLA clocks and the future-date check.
-- The as_of var wins; otherwise the latest raw timestamp that is not later than the moment
-- the run started, so historical data gives reproducible results and a junk date in 2099
-- cannot move "now".
{%- set as_of = as_of_var_text() %}
{%- set run_started = run_started_at.strftime('%Y-%m-%d %H:%M:%S') %}
with

raw_timestamps as (
    select created_at as event_at from {{ ref('base_leads') }}
    union all
    select occurred_at as event_at from {{ ref('base_activities') }}
    union all
    select changed_at as event_at from {{ ref('base_stage_changes') }}
),

latest_plausible as (
    select max(event_at) as latest_event_at
    from raw_timestamps
    where event_at <= {{ parse_timestamp_utc("'" ~ run_started ~ "'") }}
),

final as (
    select
        {% if as_of -%}
        {{ parse_timestamp_utc("'" ~ as_of ~ "'") }}
        {%- else -%}
        coalesce(latest_event_at, {{ parse_timestamp_utc("'" ~ run_started ~ "'") }})
        {%- endif %} as as_of_at,
        {{ "'var'" if as_of else "'latest_raw_timestamp'" }} as as_of_source
    from latest_plausible
)

select * from final
