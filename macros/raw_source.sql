{#- The raw rows of one raw table (leads, activities, stage_changes), every column as text.

    By default they come from the demo seed `raw_<name>`. With the `raw_schema` var set, they
    come from the warehouse table `<raw_schema>.<name>` (the source `raw`, any engine). With
    the `raw_dir` var set (DuckDB only), they come from files in that directory:
    `<name>.csv`, `<name>.csv.gz`, `<name>.parquet`, or a folder `<name>/` of such files, at
    any depth (daily landings, read as one table); see raw_file_patterns. Columns missing from
    the files are read as null, so a file without an optional column still loads. -#}
{% macro raw_source(name, columns) -%}
    {{ return(adapter.dispatch('raw_source', 'lead_funnel')(name, columns)) }}
{%- endmacro %}

{% macro default__raw_source(name, columns) -%}
    {%- if var('raw_dir', none) -%}
        {{ exceptions.raise_compiler_error(
            "The raw_dir var reads files and is supported on DuckDB only. On "
            ~ target.type ~ ", load the raw tables into the warehouse and set the raw_schema "
            ~ "var to their schema instead (README: Other engines).") }}
    {%- endif -%}
    select
    {%- for column in columns %}
        cast({{ column }} as {{ dbt.type_string() }}) as {{ column }}{{ "," if not loop.last }}
    {%- endfor %}
    {%- if var('raw_schema', none) %}
    from {{ source('raw', name) }}
    {%- else %}
    from {{ ref('raw_' ~ name) }}
    {%- endif %}
{%- endmacro %}

{% macro duckdb__raw_source(name, columns) -%}
    {%- set raw_dir = var('raw_dir', none) -%}
    {%- if not raw_dir -%}
        {{ default__raw_source(name, columns) }}
    {%- elif not execute -%}
        {#- Parsing: the files are only looked up when the model runs. -#}
        select {% for column in columns %}cast(null as varchar) as {{ column }}{{ "," if not loop.last }}{% endfor %}
    {%- else -%}
        {%- set base = raw_dir | string | replace("'", "''") -%}
        {%- set base = base[:-1] if base.endswith('/') else base -%}
        {%- set globs = [] -%}
        {%- for pattern in raw_file_patterns(name) -%}
            {%- do globs.append("select file from glob('" ~ base ~ "/" ~ pattern ~ "')") -%}
        {%- endfor -%}
        {%- set found = run_query(globs | join(" union all ") ~ " order by 1") -%}
        {%- set csv_files = [] -%}
        {%- set parquet_files = [] -%}
        {%- for row in found.rows -%}
            {%- if row[0].endswith('.parquet') -%}{%- do parquet_files.append(row[0]) -%}
            {%- else -%}{%- do csv_files.append(row[0]) -%}{%- endif -%}
        {%- endfor -%}
        {%- if csv_files | length + parquet_files | length == 0 -%}
            {{ exceptions.raise_compiler_error(
                "No raw '" ~ name ~ "' data in raw_dir '" ~ raw_dir ~ "': expected "
                ~ name ~ ".csv, " ~ name ~ ".csv.gz, " ~ name ~ ".parquet or a folder " ~ name
                ~ "/ of .csv/.csv.gz/.parquet files. Check the path or unset raw_dir to use the demo seeds.") }}
        {%- endif -%}
        {%- set readers = [] -%}
        {%- if csv_files -%}
            {#- RFC 4180 CSV, gzip-compressed or not (by extension). The quote and escape are
                set, not sniffed: the sniffer looks at the first rows only and reads a file
                whose first quoted field comes later as unquoted, splitting that field.
                null_padding reads a short row (fewer fields than the header) with nulls
                for the missing fields; together with quoted line breaks it needs the
                single-threaded scanner (parallel = false), which reads each file on one
                thread (several files still run in parallel): on 2 cores it costs ~0.4 s per
                4 million rows of one large file. -#}
            {%- do readers.append(
                "read_csv(['" ~ csv_files | join("', '") ~ "'], all_varchar = true, header = true,"
                ~ " union_by_name = true, null_padding = true, parallel = false,"
                ~ " quote = '\"', escape = '\"', auto_detect = true)") -%}
        {%- endif -%}
        {%- if parquet_files -%}
            {%- do readers.append(
                "read_parquet(['" ~ parquet_files | join("', '") ~ "'], union_by_name = true)") -%}
        {%- endif -%}
        {%- set selects = [] -%}
        {%- for reader in readers -%}
            {%- set described = run_query("describe select * from " ~ reader) -%}
            {%- set present = described.columns[0].values() | map('lower') | list -%}
            {%- set select_list = [] -%}
            {%- for column in columns -%}
                {%- if column in present -%}
                    {%- do select_list.append("cast(" ~ adapter.quote(column) ~ " as varchar) as " ~ column) -%}
                {%- else -%}
                    {%- do select_list.append("cast(null as varchar) as " ~ column) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- do selects.append("select " ~ select_list | join(", ") ~ " from " ~ reader) -%}
        {%- endfor -%}
        {{ selects | join("\n    union all\n    ") }}
    {%- endif -%}
{%- endmacro %}

{#- The files raw_dir holds for one raw table, as glob patterns relative to raw_dir (the
    names scripts/pipeline.py checks for up front must agree): NAME.csv, NAME.csv.gz,
    NAME.parquet, and any *.csv, *.csv.gz or *.parquet file under a folder NAME/ (daily
    landings, at any depth). Matching is case-sensitive. -#}
{% macro raw_file_patterns(name) -%}
    {{ return([
        name ~ '.csv', name ~ '.csv.gz', name ~ '.parquet',
        name ~ '/**/*.csv', name ~ '/**/*.csv.gz', name ~ '/**/*.parquet',
    ]) }}
{%- endmacro %}
