{#- The raw rows of one raw table (raw_columns), every contract column as text.

    By default they come from the demo seed `raw_<name>`. With the `raw_schema` var set, they
    come from the warehouse table `<raw_schema>.<name>` (the source `raw`, any engine). With
    the `raw_dir` var set (DuckDB only), they come from files in that directory:
    `<name>.csv`, `<name>.csv.gz`, `<name>.parquet`, or a folder `<name>/` of such files, at
    any depth (daily landings, read as one table); see raw_file_patterns. Columns missing from
    the files are read as null, so a file without an optional column still loads.
    Two more columns say why a record could not be read (`malformed_reason`, null for a record
    that was read) and show it with its file and line (`malformed_record`); only raw_dir
    files have such records (a warehouse table or a seed always has its columns). One more,
    `landing_file`, names the raw_dir file a row came from (null elsewhere). The last,
    raw_typed_column, is the contract timestamp as a typed Parquet file holds it (null on
    every other path: untyped_timestamp). With `files` (raw_dir only: paths from
    landing_plan) only those files are read. With the `crm_source` var set to a CRM, the
    rows come from that CRM's adapter instead (crm_raw_source), and landing_file names the
    connector table a row came from. -#}
{% macro raw_source(name, columns, files=none) -%}
    {#- crm_source set to a CRM: the raw rows are that CRM adapter's (macros/staging/crm.sql) -#}
    {%- if crm_source() != 'files' -%}
        {{ return(crm_raw_source(name, columns)) }}
    {%- endif -%}
    {{ return(adapter.dispatch('raw_source', 'lead_funnel')(name, columns, files)) }}
{%- endmacro %}

{% macro default__raw_source(name, columns, files=none) -%}
    {%- if var('raw_dir', none) -%}
        {{ exceptions.raise_compiler_error(
            "The raw_dir var reads files and is supported on DuckDB only. On "
            ~ target.type ~ ", load the raw tables into the warehouse and set the raw_schema "
            ~ "var to their schema instead (README: Other engines).") }}
    {%- endif -%}
    {#- an optional table the raw_schema schema lacks reads as no rows (raw_table_absent) -#}
    {%- if var('raw_schema', none) and raw_table_absent(name) -%}
        {{ return(no_raw_rows(name, columns)) }}
    {%- endif %}
    select
    {%- for column in columns %}
        cast({{ column }} as {{ dbt.type_string() }}) as {{ column }},
    {%- endfor %}
        cast(null as {{ dbt.type_string() }}) as malformed_reason,
        cast(null as {{ dbt.type_string() }}) as malformed_record,
        cast(null as {{ dbt.type_string() }}) as landing_file,
        {{ untyped_timestamp(name) }}
    {%- if var('raw_schema', none) %}
    from {{ source('raw', name) }}
    {%- else %}
    from {{ ref('raw_' ~ name) }}
    {%- endif %}
{%- endmacro %}

{% macro duckdb__raw_source(name, columns, files=none) -%}
    {%- set raw_dir = var('raw_dir', none) -%}
    {%- if not raw_dir -%}
        {{ default__raw_source(name, columns) }}
    {%- elif not execute -%}
        {#- Parsing: the files are only looked up when the model runs. -#}
        select {% for column in columns %}cast(null as varchar) as {{ column }}, {% endfor -%}
        cast(null as varchar) as malformed_reason, cast(null as varchar) as malformed_record,
        cast(null as varchar) as landing_file,
        {{ untyped_timestamp(name) }}
    {%- else -%}
        {%- set all_files = raw_files(name) -%}
        {#- the files chosen may be none of raw_dir's (nothing new landed), not so raw_dir -#}
        {%- set files = all_files if files is none else files -%}
        {%- if all_files | length == 0 and name not in raw_optional_tables() -%}
            {{ exceptions.raise_compiler_error(
                "No raw '" ~ name ~ "' data in raw_dir '" ~ raw_dir ~ "': expected "
                ~ name ~ ".csv, " ~ name ~ ".csv.gz, " ~ name ~ ".parquet or a folder " ~ name
                ~ "/ of .csv/.csv.gz/.parquet files. Check the path or unset raw_dir to use the demo seeds.") }}
        {%- endif -%}
        {#- every select ends with the typed timestamp (raw_typed_column): a text file's
            rows have none -#}
        {%- set selects = [] -%}
        {%- for file in files -%}
            {%- if file.endswith('.parquet') -%}
                {%- do selects.append(raw_parquet_select(name, file, columns)) -%}
            {%- else -%}
                {%- for text_select in raw_csv_selects(name, file, columns) -%}
                    {%- do selects.append('select *, ' ~ untyped_timestamp(name) ~ ' from (' ~ text_select ~ ') as text_rows') -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if selects | length == 0 -%}
            {%- do selects.append(no_raw_rows(name, columns)) -%}
        {%- endif -%}
        {{ selects | join("\n    union all\n    ") }}
    {%- endif -%}
{%- endmacro %}

{#- The columns raw_source adds to a raw table's own: why a record could not be read, the
    record as read, and the landing file it came from. -#}
{% macro raw_delivery_columns() -%}
    {{ return(['malformed_reason', 'malformed_record', 'landing_file']) }}
{%- endmacro %}

{#- raw_source's last column, for rows whose contract timestamp is not typed (text files,
    seeds, warehouse tables, the CRM adapters): a null raw_typed_column, so staging parses the
    text (landed_timestamp). -#}
{% macro untyped_timestamp(name) -%}
    {{ return('cast(null as ' ~ dbt.type_timestamp() ~ ') as ' ~ raw_typed_column(raw_contract_timestamp(name))) }}
{%- endmacro %}

{#- raw_source's columns with no rows: an optional table that is absent, or no file of the
    table to read. -#}
{% macro no_raw_rows(name, columns) -%}
    {{ return('select *, ' ~ untyped_timestamp(name) ~ ' from (' ~ no_rows(columns + raw_delivery_columns())
        ~ ') as no_raw_rows') }}
{%- endmacro %}

{#- A select of the given columns, as text, with no rows (no_raw_rows; a CRM connector's
    optional table that is absent). -#}
{% macro no_rows(columns) -%}
    {%- set nulls = [] -%}
    {%- for column in columns -%}
        {%- do nulls.append("cast(null as " ~ dbt.type_string() ~ ") as " ~ column) -%}
    {%- endfor -%}
    {{ return("select " ~ nulls | join(", ") ~ " where 1 = 0") }}
{%- endmacro %}

{#- True when `name` is an optional raw table (raw_optional_tables) that the raw_schema
    schema does not hold, looked up when the model runs (at parse time: false, so the source
    stays a dependency). Then its rows are none: a warehouse without qualifications builds. -#}
{% macro raw_table_absent(name) -%}
    {%- if not execute or name not in raw_optional_tables() -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set declared = source('raw', name) -%}
    {%- set found = adapter.get_relation(
        database=declared.database, schema=declared.schema, identifier=declared.identifier) -%}
    {{ return(found is none) }}
{%- endmacro %}

{#- The raw files of one table in raw_dir, listed once (sorted). raw_dir is escaped for
    DuckDB's glob ([, * and ? match themselves), so a folder `data[1]` never matches
    `data1`; every file found is then read by its exact name (raw_path_literal). -#}
{% macro raw_files(name) -%}
    {%- set base = var('raw_dir') | string -%}
    {%- set base = base[:-1] if base.endswith('/') else base -%}
    {%- set globs = [] -%}
    {%- for pattern in raw_file_patterns(name) -%}
        {%- do globs.append("select file from glob(" ~ raw_path_literal(base ~ "/" ~ pattern, escape_glob=false, prefix=base) ~ ")") -%}
    {%- endfor -%}
    {%- set found = run_query(globs | join(" union all ") ~ " order by 1") -%}
    {{ return(found.columns[0].values() | list) }}
{%- endmacro %}

{#- A file path as a DuckDB string literal that names exactly that file: the glob
    characters [ * ? are bracketed ([[], [*], [?]: DuckDB globs every path it reads) and a
    quote is doubled. With escape_glob=false only `prefix` (the part of the path that is
    data, not pattern) is escaped. Paths are data, never code. -#}
{% macro raw_path_literal(path, escape_glob=true, prefix=none) -%}
    {%- set ns = namespace(data=path if escape_glob else (prefix or ''), rest='' if escape_glob else path[(prefix or '') | length:]) -%}
    {%- set escaped = ns.data | replace('[', '[[]') | replace('*', '[*]') | replace('?', '[?]') -%}
    {{- return("'" ~ (escaped ~ ns.rest) | replace("'", "''") ~ "'") -}}
{%- endmacro %}

{#- One Parquet file, every contract column cast to text (a column the file lacks is null).
    Each file is read on its own, so files with different types for one column (TIMESTAMP_NS
    from pandas, TIMESTAMP_MS, TIMESTAMPTZ, strings) never have to agree on a type, and an
    extreme value (9999-12-31) is text that staging judges like any other. The table's
    contract timestamp (raw_contract_timestamp) also comes as the file typed it, as a UTC
    timestamp (raw_typed_timestamp), so staging need not parse its text again. -#}
{% macro raw_parquet_select(name, file, columns) -%}
    {%- set timestamp_column = raw_contract_timestamp(name) -%}
    {%- set path = raw_path_literal(file) -%}
    {%- set described = run_query("describe select * from read_parquet(" ~ path ~ ")") -%}
    {%- set present = {} -%}
    {%- for column_name in described.columns[0].values() -%}
        {%- do present.update({column_name | lower: column_name}) -%}
    {%- endfor -%}
    {%- set select_list = [] -%}
    {%- for column in columns -%}
        {%- if column in present -%}
            {%- do select_list.append("cast(" ~ adapter.quote(present[column]) ~ " as varchar) as " ~ column) -%}
        {%- else -%}
            {%- do select_list.append("cast(null as varchar) as " ~ column) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set types = {} -%}
    {%- for row in described.rows -%}
        {%- do types.update({row[0] | lower: row[1]}) -%}
    {%- endfor -%}
    {%- set typed = raw_typed_timestamp(adapter.quote(present[timestamp_column]), types[timestamp_column])
        if timestamp_column in present else none -%}
    {{ return("select " ~ select_list | join(", ")
        ~ ", cast(null as varchar) as malformed_reason, cast(null as varchar) as malformed_record, "
        ~ landing_file_list([file]) ~ " as landing_file, "
        ~ (typed ~ " as " ~ raw_typed_column(timestamp_column) if typed else untyped_timestamp(name))
        ~ " from read_parquet(" ~ path ~ ")") }}
{%- endmacro %}

{#- A Parquet column of type `column_type` as the UTC timestamp staging would parse from its
    text (parse_timestamp_utc of the text DuckDB renders for it, in the profile's UTC
    session): TIMESTAMP, TIMESTAMP_S, TIMESTAMP_MS and DATE as they are, TIMESTAMPTZ in UTC.
    Only a finite value in the years 1 to 9999 is taken, whose text parses to the same
    instant; any other value, and any other type (TIMESTAMP_NS, whose text has nanoseconds;
    text), is none here, and staging parses its text. Reading the typed value is about ten
    times cheaper than parsing the text. -#}
{% macro raw_typed_timestamp(column, column_type) -%}
    {%- set converted = {
        'TIMESTAMP': column,
        'TIMESTAMP_S': 'cast(' ~ column ~ ' as timestamp)',
        'TIMESTAMP_MS': 'cast(' ~ column ~ ' as timestamp)',
        'DATE': 'cast(' ~ column ~ ' as timestamp)',
        'TIMESTAMP WITH TIME ZONE': '(' ~ column ~ " at time zone 'UTC')",
    }.get(column_type | upper) -%}
    {%- if converted is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return('case when isfinite(' ~ converted ~ ') and year(' ~ converted ~ ') between 1 and 9999 then '
        ~ converted ~ ' end') }}
{%- endmacro %}

{#- The longest CSV record read (64 MB): a record longer than this is rejected on its own as
    oversized_record. -#}
{% macro raw_csv_max_line_size() -%}
    {{ return(67108864) }}
{%- endmacro %}

{#- How many of a CSV file's first lines may stand above its header (a title line such as
    "Stage export 2026-01-15"). -#}
{% macro raw_csv_header_search_lines() -%}
    {{ return(20) }}
{%- endmacro %}

{#- The reasons a CSV record that cannot be read is rejected for, by DuckDB's error type. -#}
{% macro raw_csv_malformed_reasons() -%}
    {{ return({
        'TOO MANY COLUMNS': 'too_many_fields',
        'INVALID ENCODING': 'invalid_encoding',
        'INVALID UNICODE': 'invalid_encoding',
        'LINE SIZE OVER MAXIMUM': 'oversized_record',
        'UNQUOTED VALUE': 'unclosed_quote',
    }) }}
{%- endmacro %}

{#- One CSV file (gzip-compressed or not, by extension), read by exact name; returns the
    selects that produce its rows. Every physical line is accounted for:

    1. the header is looked for in the first lines (read as plain text, no CSV parsing): it
       is the first line naming the table's key column. Lines above it (a title) become
       rejected rows (`preamble_line`); a file without such a header stops the run, naming it.
    2. the records are read with the header's own columns (no dialect sniffing: comma,
       double quote doubled to escape, RFC 4180); a record with more fields than the header,
       an undecodable byte or longer than raw_csv_max_line_size is rejected on its own with
       its file and line (DuckDB's rejects tables); a short record reads the missing fields
       as null.
    3. the lines are counted independently of the CSV parser, and must equal the header
       and preamble lines, the lines the records read span (a quoted line break adds one),
       the lines of rejected records and the blank lines. Otherwise (a quote opened and
       never closed swallows the rest of the file) the run stops, naming the file and the
       first line not read: nothing is silently dropped. -#}
{% macro raw_csv_selects(name, file, columns) -%}
    {%- set path = raw_path_literal(file) -%}
    {%- set max_line_size = raw_csv_max_line_size() -%}
    {%- set as_lines = "columns = {'line': 'varchar'}, header = false, delim = '\\0', quote = '', escape = '',"
        ~ " auto_detect = false, parallel = false, max_line_size = " ~ max_line_size -%}
    {#- 1. the header -#}
    {%- set head = run_query(
        "select line from read_csv(" ~ path ~ ", " ~ as_lines ~ ", ignore_errors = true) limit "
        ~ raw_csv_header_search_lines()) -%}
    {%- if head.rows | length == 0 -%}
        {#- an empty file (0 bytes: a landing day without data) holds no record -#}
        {{ return([]) }}
    {%- endif -%}
    {%- set key = columns[0] -%}
    {%- set ns = namespace(header_index=none, header=[]) -%}
    {%- for line in head.columns[0].values() -%}
        {%- if ns.header_index is none and line is not none -%}
            {%- set names = [] -%}
            {%- for part in line.split(',') -%}
                {%- do names.append(part | replace('\ufeff', '') | trim | trim('"') | trim | lower) -%}
            {%- endfor -%}
            {%- if key in names -%}
                {%- set ns.header_index = loop.index0 -%}
                {%- set ns.header = names -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if ns.header_index is none -%}
        {%- set first_line = (head.columns[0].values() | first) if head.rows | length else '' -%}
        {{ exceptions.raise_compiler_error(
            "Raw file " ~ file ~ " has no header row naming " ~ key ~ " in its first "
            ~ raw_csv_header_search_lines() ~ " lines (its first line reads '"
            ~ ('<masked>' if mask_pii_enabled() else (first_line or '')[:120]) ~ "'). A raw " ~ name ~ " CSV file starts with a header row "
            ~ "of column names (" ~ columns | join(', ') ~ "); fix or remove the file. Nothing was read.") }}
    {%- endif -%}
    {#- the header's columns, as DuckDB reads them: unique names, blanks named by position -#}
    {%- set header_columns = [] -%}
    {%- for column_name in ns.header -%}
        {%- set column_name = column_name if column_name and column_name not in header_columns else 'column_' ~ loop.index -%}
        {%- do header_columns.append(column_name) -%}
    {%- endfor -%}
    {%- set column_types = [] -%}
    {%- for column_name in header_columns -%}
        {%- do column_types.append("'" ~ column_name | replace("'", "''") ~ "': 'varchar'") -%}
    {%- endfor -%}
    {%- set as_records = "header = true, skip = " ~ ns.header_index ~ ", delim = ',', quote = '\"', escape = '\"',"
        ~ " auto_detect = false, columns = {" ~ column_types | join(', ') ~ "}, null_padding = true,"
        ~ " parallel = false, max_line_size = " ~ max_line_size -%}
    {#- 2. the records, and the ones that cannot be read -#}
    {%- set newline_count = [] -%}
    {%- for column_name in header_columns -%}
        {%- do newline_count.append("coalesce(length(" ~ adapter.quote(column_name) ~ ") - length(replace("
            ~ adapter.quote(column_name) ~ ", chr(10), '')), 0)") -%}
    {%- endfor -%}
    {%- do run_query("drop table if exists raw_csv_rejects; drop table if exists raw_csv_scans") -%}
    {%- set scanned = run_query(
        "select count(*), coalesce(sum(1 + " ~ newline_count | join(' + ') ~ "), 0) from read_csv(" ~ path ~ ", "
        ~ as_records ~ ", store_rejects = true, rejects_table = 'raw_csv_rejects', rejects_scan = 'raw_csv_scans')") -%}
    {%- set record_lines = scanned.rows[0][1] -%}
    {#- DuckDB checks the encoding of the columns a query reads only: an undecodable byte in a
        column outside the contract does not stop the records read from being read -#}
    {%- set rejects = run_query(
        "select line, error_type, coalesce(csv_line, ''),"
        ~ " error_type like 'INVALID %' and lower(column_name) not in ('" ~ columns | join("', '") ~ "')"
        ~ " from raw_csv_rejects where error_type != 'MISSING COLUMNS' order by line") -%}
    {#- 3. the physical lines, counted without parsing (an undecodable line is still a line) -#}
    {%- do run_query("drop table if exists raw_csv_rejects; drop table if exists raw_csv_scans") -%}
    {%- set counted = run_query(
        "select count(*), count(*) filter (where line is null) from read_csv(" ~ path ~ ", " ~ as_lines
        ~ ", store_rejects = true, rejects_table = 'raw_csv_rejects', rejects_scan = 'raw_csv_scans')") -%}
    {%- set unread_lines = run_query("select count(*) from raw_csv_rejects").rows[0][0] -%}
    {%- do run_query("drop table if exists raw_csv_rejects; drop table if exists raw_csv_scans") -%}
    {%- set physical_lines = counted.rows[0][0] + unread_lines -%}
    {%- set blank_lines = counted.rows[0][1] -%}
    {%- set reasons = raw_csv_malformed_reasons() -%}
    {%- set malformed = [] -%}
    {%- set ns2 = namespace(rejected_lines=0, unclosed_line=none) -%}
    {%- for line_number, error_type, text, is_read_anyway in rejects.rows -%}
        {%- if error_type == 'UNQUOTED VALUE' and ns2.unclosed_line is none -%}
            {%- set ns2.unclosed_line = line_number -%}
        {%- endif -%}
        {%- set ns2.rejected_lines = ns2.rejected_lines + 1 + text.count('\n') -%}
        {%- if not is_read_anyway -%}
            {%- do malformed.append((line_number, reasons.get(error_type, 'unreadable_record'), text)) -%}
        {%- endif -%}
    {%- endfor -%}
    {#- the lines above the header (blank ones are among blank_lines) -#}
    {%- set ns3 = namespace(preamble_lines=0) -%}
    {%- for line in (head.columns[0].values() | list)[:ns.header_index] -%}
        {%- if line is not none -%}
            {%- set ns3.preamble_lines = ns3.preamble_lines + 1 -%}
            {%- do malformed.append((loop.index, 'preamble_line', line)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set accounted = ns3.preamble_lines + 1 + record_lines + ns2.rejected_lines + blank_lines -%}
    {%- if physical_lines > accounted or ns2.unclosed_line is not none -%}
        {%- set first_unread = ns2.unclosed_line or (ns.header_index + 2 + record_lines + ns2.rejected_lines) -%}
        {{ exceptions.raise_compiler_error(
            "Raw file " ~ file ~ ": " ~ (physical_lines - accounted if physical_lines > accounted else 'some')
            ~ " of its " ~ physical_lines ~ " lines could not be read as records, from about line "
            ~ first_unread ~ " on: most likely a field opens a quote (\") that is never closed, so "
            ~ "the rest of the file reads as one value. Close or remove that quote (a quote inside "
            ~ "a quoted field is doubled: \"\") and run again. Nothing was read from this file.") }}
    {%- endif -%}
    {%- set select_list = [] -%}
    {%- for column in columns -%}
        {%- if column in header_columns -%}
            {%- do select_list.append(adapter.quote(column) ~ " as " ~ column) -%}
        {%- else -%}
            {%- do select_list.append("cast(null as varchar) as " ~ column) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set selects = ["select " ~ select_list | join(", ")
        ~ ", cast(null as varchar) as malformed_reason, cast(null as varchar) as malformed_record, "
        ~ landing_file_list([file]) ~ " as landing_file"
        ~ " from read_csv(" ~ path ~ ", " ~ as_records ~ ", ignore_errors = true)"] -%}
    {%- if malformed -%}
        {%- set rows = [] -%}
        {%- for line_number, reason, text in malformed -%}
            {#- with mask_pii the text is not shown (not even in the compiled SQL): no column of it
                can be told apart to mask it -#}
            {%- set shown = '<masked: ' ~ text | length ~ ' characters>' if mask_pii_enabled()
                else text if text | length <= 2000 else text[:2000] ~ '...(' ~ text | length ~ ' characters)' -%}
            {%- do rows.append("('" ~ reason ~ "', '" ~ ('file=' ~ file ~ ' | line=' ~ line_number ~ ' | record=' ~ shown) | replace("'", "''") ~ "')") -%}
        {%- endfor -%}
        {%- do selects.append("select " ~ (["cast(null as varchar)"] * columns | length) | join(", ")
            ~ ", malformed_reason, malformed_record, " ~ landing_file_list([file]) ~ " as landing_file from (values " ~ rows | join(", ")
            ~ ") as malformed (malformed_reason, malformed_record)") -%}
    {%- endif -%}
    {{ return(selects) }}
{%- endmacro %}

{#- The files raw_dir holds for one raw table, as glob patterns relative to raw_dir (the
    names src/lead_funnel/pipeline.py checks for up front must agree): NAME.csv, NAME.csv.gz,
    NAME.parquet, and any *.csv, *.csv.gz or *.parquet file under a folder NAME/ (daily
    landings, at any depth). Matching is case-sensitive. -#}
{% macro raw_file_patterns(name) -%}
    {{ return([
        name ~ '.csv', name ~ '.csv.gz', name ~ '.parquet',
        name ~ '/**/*.csv', name ~ '/**/*.csv.gz', name ~ '/**/*.parquet',
    ]) }}
{%- endmacro %}
