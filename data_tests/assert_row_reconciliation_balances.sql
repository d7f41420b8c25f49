-- docs/definitions.md#bad-input: for every raw table, raw = valid + rejected + duplicate, and
-- raw_rows equals the rows actually delivered, counted straight from the raw data, not
-- through staging. Severity error: a build where this fails is not published.
--
-- With raw_dir (docs/definitions.md#landings-and-the-ledger) the delivered rows are the
-- ledger's: every landing file recounted straight from the file must hold the rows the ledger
-- recorded for it, and the ledger's files (a missing file's rows are kept) add up to
-- raw_rows. A daily build recounts the files it read (the others were recounted by the build
-- that read them and have not changed since, or they would have been read again); a
-- --full-refresh, `dbt test` or the var data_tests_on_all_rows recount every file present.
-- A Parquet file is counted from its metadata (it has no malformed records, and reading no
-- column costs nothing); a CSV file reading every column (records that cannot be read are
-- delivered rows too, and DuckDB checks the encoding of the columns a query reads only).
{%- set tables = ['leads', 'activities', 'stage_changes', 'qualifications'] %}
{%- set recount = [] %}
{%- if execute and landings_enabled() %}
{%- set every_file = flags.WHICH != 'build' or flags.FULL_REFRESH or var('data_tests_on_all_rows', false) %}
{%- set listed = run_query(
    "select source_table, landing_file from " ~ ref('stg_landing_ledger') ~ " where is_present"
    ~ ("" if every_file else " and loaded_by_run_id = '" ~ invocation_id ~ "'")
    ~ " order by 1, 2") %}
{%- for table, path in listed.rows %}{% do recount.append((table, path)) %}{% endfor %}
{%- endif %}
with

reconciliation as (select * from {{ ref('dq_row_reconciliation') }}),

{% if landings_enabled() -%}
ledger as (select * from {{ ref('stg_landing_ledger') }}),

recounted as (
    {%- for table, path in recount %}
    {%- if path.endswith('.parquet') %}
    select '{{ table }}' as source_table, {{ landing_file_list([path]) }} as landing_file, count(*) as delivered_rows
    from read_parquet({{ raw_path_literal(path) }})
    {%- else %}
    select '{{ table }}' as source_table, {{ landing_file_list([path]) }} as landing_file,
        count({{ raw_row_text(raw_columns(table)) }}) as delivered_rows
    from ({{ raw_source(table, raw_columns(table), [path]) }}) as raw_rows
    {%- endif %}
    union all
    {%- endfor %}
    select
        cast(null as {{ dbt.type_string() }}) as source_table,
        cast(null as {{ dbt.type_string() }}) as landing_file,
        0 as delivered_rows
    from (select 1 as no_file) as no_files
    where 1 = 0
),

file_mismatches as (
    select
        recounted.source_table,
        recounted.landing_file,
        recounted.delivered_rows,
        ledger.raw_rows as recorded_rows
    from recounted
    left join ledger
        on recounted.source_table = ledger.source_table
        and recounted.landing_file = ledger.landing_file
    where ledger.raw_rows is null
        or ledger.raw_rows != recounted.delivered_rows
),

delivered as (
    select
        source_table,
        sum(raw_rows) as delivered_rows
    from ledger
    group by source_table
),
{%- else -%}
delivered as (
    {%- for table in tables %}
    select '{{ table }}' as source_table, count({{ raw_row_text(raw_columns(table)) }}) as delivered_rows
    from ({{ raw_source(table, raw_columns(table)) }}) as raw_{{ table }}
    {{ "union all" if not loop.last }}
    {%- endfor %}
),
{%- endif %}

table_mismatches as (
    select
        reconciliation.source_table,
        cast(null as {{ dbt.type_string() }}) as landing_file,
        delivered.delivered_rows,
        reconciliation.raw_rows as recorded_rows
    from reconciliation
    left join delivered
        on reconciliation.source_table = delivered.source_table
    -- an optional table (raw_optional_tables) raw_dir has no file of is in no ledger: 0 rows
    where
        (
            delivered.delivered_rows is null
            and reconciliation.source_table not in ('{{ raw_optional_tables() | join("', '") }}')
        )
        or reconciliation.raw_rows != coalesce(delivered.delivered_rows, 0)
        or reconciliation.raw_rows
        != reconciliation.valid_rows + reconciliation.rejected_rows + reconciliation.duplicate_rows
)

select * from table_mismatches
{%- if landings_enabled() %}
union all
select * from file_mismatches
{%- endif %}
