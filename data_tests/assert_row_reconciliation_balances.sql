-- docs/definitions.md#bad-input: for every raw table, raw = valid + rejected + duplicate, and
-- raw_rows equals the rows actually delivered (counted straight from the raw data, not through
-- staging). Severity error: a build where this fails is not published.
-- A table delivered as Parquet files only (raw_dir) is counted from the files' metadata: a
-- Parquet file has no malformed records, so its row count is what it delivered, and reading
-- no column costs nothing. Other files are counted reading every column (CSV records that
-- cannot be read are delivered rows too).
{%- set tables = ['leads', 'activities', 'stage_changes'] %}
{%- set parquet_files = {} %}
{%- if execute and target.type == 'duckdb' and var('raw_dir', none) %}
{%- for table in tables %}
{%- set files = raw_files(table) %}
{%- set found = namespace(only_parquet=files | length > 0) %}
{%- for file in files %}
{%- if not file.endswith('.parquet') %}{% set found.only_parquet = false %}{% endif %}
{%- endfor %}
{%- if found.only_parquet %}{% do parquet_files.update({table: files}) %}{% endif %}
{%- endfor %}
{%- endif %}
with

reconciliation as (select * from {{ ref('dq_row_reconciliation') }}),

delivered as (
    {%- for table in tables %}
    {%- if table in parquet_files %}
    select '{{ table }}' as source_table, cast(sum(file_rows) as {{ dbt.type_bigint() }}) as delivered_rows
    from (
        {%- for file in parquet_files[table] %}
        select count(*) as file_rows from read_parquet({{ raw_path_literal(file) }})
        {{ "union all" if not loop.last }}
        {%- endfor %}
    ) as raw_{{ table }}_files
    {%- else %}
    -- every column counted: DuckDB checks the encoding of the columns a query reads only
    select '{{ table }}' as source_table, count({{ raw_row_text(raw_columns(table)) }}) as delivered_rows
    from ({{ raw_source(table, raw_columns(table)) }}) as raw_{{ table }}
    {%- endif %}
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
