-- one row per raw table and landing file (docs/definitions.md#landings-and-the-ledger): the
-- rows the landing delivered and what became of them; raw = valid + rejected + duplicate for
-- every landing, and the landings add up to dq_row_reconciliation. Without raw_dir there is
-- one landing per table (landing_file null: the seed or the raw_schema table).
{%- set tables = [
    ('leads', 'lead_id'), ('activities', 'activity_id'), ('stage_changes', 'change_id'),
    ('qualifications', 'qualification_id'),
] %}
with

{% for table, key in tables -%}
{{ table }}_delivered as (
    select
        landing_file,
        count(*) as raw_rows
    from {{ ref('base_' ~ table) }}
    group by landing_file
),

-- each distinct row is first delivered by one landing (the first by file name); its fate
-- counts there
{{ table }}_first_delivered as (
    select
        landing_file,
        count(*) as first_delivered_rows,
        sum(case when reject_reason is null then 1 else 0 end) as usable_rows,
        sum(case when reject_reason is not null then 1 else 0 end) as triage_rejected_rows
    from {{ ref('stg_' ~ table ~ '_triaged') }}
    group by landing_file
),

{% endfor -%}

{% for table, key in tables if table != 'leads' -%}
-- usable rows whose lead is not a valid lead are rejected as unknown_lead
{{ table }}_unknown_lead as (
    select
        landing_file,
        count(*) as unknown_lead_rows
    from {{ ref('int_unknown_lead_rows') }}
    where source_table = '{{ table }}'
    group by landing_file
),

{% endfor -%}

landings as (
    {%- for table, key in tables %}
    select
        '{{ table }}' as source_table,
        delivered.landing_file,
        delivered.raw_rows,
        coalesce(first_delivered.first_delivered_rows, 0) as first_delivered_rows,
        coalesce(first_delivered.usable_rows, 0)
        {%- if table != 'leads' %} - coalesce(unknown_lead.unknown_lead_rows, 0){% endif %} as valid_rows,
        coalesce(first_delivered.triage_rejected_rows, 0)
        {%- if table != 'leads' %} + coalesce(unknown_lead.unknown_lead_rows, 0){% endif %} as rejected_rows
    from {{ table }}_delivered as delivered
    left join {{ table }}_first_delivered as first_delivered
        on {{ equal_or_both_null('delivered.landing_file', 'first_delivered.landing_file') }}
    {%- if table != 'leads' %}
    left join {{ table }}_unknown_lead as unknown_lead
        on {{ equal_or_both_null('delivered.landing_file', 'unknown_lead.landing_file') }}
    {%- endif %}
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

final as (
    select
        source_table,
        landing_file,
        raw_rows,
        valid_rows,
        rejected_rows,
        -- copies within the landing, and rows an earlier landing delivered first
        raw_rows - first_delivered_rows as duplicate_rows,
        (
            raw_rows = valid_rows + rejected_rows + (raw_rows - first_delivered_rows)
            and first_delivered_rows <= raw_rows
            and valid_rows >= 0
        ) as is_balanced
    from landings
)

select * from final
