-- docs/definitions.md#bad-input: for every raw table, raw = valid + rejected + duplicate, and
-- raw_rows equals the rows actually delivered (counted straight from the raw data, not through
-- staging). Severity error: a build where this fails is not published.
{%- set tables = ['leads', 'activities', 'stage_changes'] %}
with

reconciliation as (select * from {{ ref('dq_row_reconciliation') }}),

delivered as (
    {%- for table in tables %}
    -- every column counted: DuckDB checks the encoding of the columns a query reads only
    select '{{ table }}' as source_table, count({{ raw_row_text(raw_columns(table)) }}) as delivered_rows
    from ({{ raw_source(table, raw_columns(table)) }}) as raw_{{ table }}
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

expected as (
    select
        delivered.source_table,
        delivered.delivered_rows,
        reconciliation.raw_rows,
        reconciliation.valid_rows,
        reconciliation.rejected_rows,
        reconciliation.duplicate_rows
    from delivered
    left join reconciliation
        on delivered.source_table = reconciliation.source_table
)

select *
from expected
where raw_rows is null
    or raw_rows != delivered_rows
    or raw_rows != valid_rows + rejected_rows + duplicate_rows
