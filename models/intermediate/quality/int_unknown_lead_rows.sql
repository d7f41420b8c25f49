-- one row per usable raw row of a lead-keyed table (activities, stage changes, qualifications:
-- passed triage, the kept row of its key) whose lead_id is not a valid lead: the unknown_lead
-- rejects (docs/definitions.md#bad-input), with what the data-quality marts show and count of
-- them. Found once per run here and read by dq_rejected_rows, dq_landing_reconciliation and
-- dq_row_reconciliation: at 1M leads each of them matched all 20M activities to the leads
-- again (about 1.3 s each).
{%- set lead_keyed_tables = [
    ('activities', 'activity_id'), ('stage_changes', 'change_id'), ('qualifications', 'qualification_id'),
] %}
with

{% for table, key in lead_keyed_tables -%}
{{ table }}_triaged as (select * from {{ ref('stg_' ~ table ~ '_triaged') }}),
{{ table }}_lead_checked as (select * from {{ ref('int_' ~ table ~ '_lead_checked') }}),

{% endfor -%}

final as (
    {%- for table, key in lead_keyed_tables %}
    select
        '{{ table }}' as source_table,
        triaged.{{ key }} as source_key,
        triaged.lead_id,
        triaged.landing_file,
        triaged.raw_row_hash,
        triaged.raw_values,
        triaged.raw_values_masked
    from {{ table }}_triaged as triaged
    inner join {{ table }}_lead_checked as lead_checked
        on triaged.{{ key }} = lead_checked.{{ key }}
    where
        triaged.reject_reason is null
        and not lead_checked.has_known_lead
    {{ "union all" if not loop.last }}
    {%- endfor %}
)

select * from final
