{#- Parsing helpers used by staging. Each takes a text expression and never fails: a value
    that cannot be parsed becomes null (staging records why). -#}

{#- Text without surrounding whitespace, blank -> null. Whitespace is the ASCII space, tab,
    line feed and carriage return, and the non-breaking space U+00A0 (exports from
    spreadsheets and web forms carry it), at both ends; inner whitespace is kept. The same set
    on every engine (DuckDB's own trim() strips other Unicode spaces too, Postgres' and
    Spark's only the space). -#}
{% macro clean_text(expr) -%}
    {{ return(adapter.dispatch('clean_text', 'lead_funnel')(expr)) }}
{%- endmacro %}

{#- The characters clean_text strips, as a text expression. -#}
{% macro clean_text_characters() -%}
    {{ dbt.concat(["' '", 'chr(9)', 'chr(10)', 'chr(13)', 'chr(160)']) }}
{%- endmacro %}

{% macro default__clean_text(expr) -%}
    {#- This runs on every raw column. trim() with a character list is slower than plain
        trim(), so only the rare value that starts or ends with whitespace goes through it;
        the regular expression is the cheaper test. -#}
    {#- one line, so it reads (and lints) as one expression where it is used -#}
    nullif(case when regexp_matches({{ expr }}, '^[ \t\r\n\xa0]|[ \t\r\n\xa0]$') then trim({{ expr }}, {{ clean_text_characters() }}) else {{ expr }} end, '')
{%- endmacro %}

{% macro postgres__clean_text(expr) -%}
    nullif(btrim({{ expr }}, {{ clean_text_characters() }}), '')
{%- endmacro %}

{% macro spark__clean_text(expr) -%}
    nullif(trim(both {{ clean_text_characters() }} from {{ expr }}), '')
{%- endmacro %}

{#- ISO 8601 text (with or without a UTC offset; naive = UTC) -> a UTC timestamp without
    time zone, or null when unparseable. -#}
{% macro parse_timestamp_utc(expr) -%}
    {{ return(adapter.dispatch('parse_timestamp_utc', 'lead_funnel')(expr)) }}
{%- endmacro %}

{% macro default__parse_timestamp_utc(expr) -%}
    cast(try_cast({{ expr }} as timestamp with time zone) at time zone 'UTC' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro duckdb__parse_timestamp_utc(expr) -%}
    {#- The profile pins the session TimeZone to UTC, so naive text is read as UTC. DuckDB's
        cast also reads the words epoch, infinity and -infinity (1970, year 294247 or 1):
        only text that starts with a four-digit year and a date separator is cast, as on
        Postgres and Spark (iso_timestamp_pattern), so a parsed time is always finite. The
        glob costs ~10% of the cast; the full pattern would cost ~50%. -#}
    case
        when trim({{ expr }}) glob '[0-9][0-9][0-9][0-9][-/]*'
            then cast(try_cast(trim({{ expr }}) as timestamptz) at time zone 'UTC' as timestamp)
    end
{%- endmacro %}

{#- The ISO 8601 text DuckDB's timestamptz cast reads: date, optional time (T or space,
    optional seconds and fraction) and optional offset (Z, UTC, +hh, +hhmm, +hh:mm). Engines
    without a non-failing cast check this shape first, and the calendar below. -#}
{% macro iso_timestamp_pattern() -%}
    {{- return(
        '^[0-9]{4}[-/](0?[1-9]|1[0-2])[-/](0?[1-9]|[12][0-9]|3[01])'
        ~ '([ T](([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?|24:00(:00([.]0+)?)?)'
        ~ '( ?(Z|UTC)|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?)?)?$'
    ) -}}
{%- endmacro %}

{% macro postgres__parse_timestamp_utc(expr) -%}
    {#- Postgres has no non-failing cast: only text of the ISO shape on a real calendar day is
        cast (a CASE, so the checks run in order). Text with an offset goes through
        timestamptz; naive text is read as UTC whatever the session's TimeZone. -#}
    {%- set text = 'trim(' ~ expr ~ ')' -%}
    {%- set ymd = "regexp_match(" ~ text ~ ", '^([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})')" -%}
    case
        when not {{ matches_pattern(text, iso_timestamp_pattern()) }} then null
        when cast(({{ ymd }})[1] as integer) = 0 then null
        when cast(({{ ymd }})[3] as integer) > 28
            and extract(month from make_date(cast(({{ ymd }})[1] as integer), cast(({{ ymd }})[2] as integer), 1)
                + (cast(({{ ymd }})[3] as integer) - 1)) != cast(({{ ymd }})[2] as integer) then null
        when {{ matches_pattern(text, '[0-9]( ?(Z|UTC)|[+-][0-9]{2}(:?[0-9]{2})?)$') }}
            and {{ matches_pattern(text, '[ T][0-9]{1,2}:') }}
            then cast(cast({{ text }} as timestamp with time zone) at time zone 'UTC' as timestamp)
        else cast({{ text }} as timestamp)
    end
{%- endmacro %}

{% macro spark__parse_timestamp_utc(expr) -%}
    {#- try_to_timestamp reads naive text in the session time zone, which the profile sets to
        UTC, and honours offsets; the shape check keeps it to what DuckDB reads. -#}
    {%- set text = "replace(regexp_replace(trim(" ~ expr ~ "), ' ?UTC$', 'Z'), '/', '-')" -%}
    case
        when not {{ matches_pattern('trim(' ~ expr ~ ')', iso_timestamp_pattern()) }} then null
        -- 24:00 is the end of the day (as on DuckDB and Postgres)
        when {{ matches_pattern(text, '[ T]24:') }}
            then try_to_timestamp(regexp_replace({{ text }}, '[ T]24:00(:00([.]0+)?)?', ' 00:00:00'))
                + interval 1 day
        else try_to_timestamp({{ text }})
    end
{%- endmacro %}

{#- True when the text matches a regular expression. -#}
{% macro matches_pattern(expr, pattern) -%}
    {{ return(adapter.dispatch('matches_pattern', 'lead_funnel')(expr, pattern)) }}
{%- endmacro %}

{% macro default__matches_pattern(expr, pattern) -%}
    regexp_matches({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro postgres__matches_pattern(expr, pattern) -%}
    ({{ expr }} ~ '{{ pattern }}')
{%- endmacro %}

{% macro spark__matches_pattern(expr, pattern) -%}
    {#- Java regular expressions have no POSIX classes in brackets: [:space:] becomes \s
        (backslash doubled inside a Spark string literal). -#}
    ({{ expr }} rlike '{{ pattern | replace('[:space:]', '\\\\s') }}')
{%- endmacro %}

{#- One text holding a raw row's values, `column=value | ...` with null shown as <null>: what
    dq_rejected_rows shows of a rejected row. With masked=true each value is masked before it
    is rendered (masked_raw_value, macros/staging/pii.sql). `values` maps a column to the
    expression of its value (default: the column itself). -#}
{% macro raw_row_text(columns, masked=false, values=none) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("'" ~ column ~ "='") -%}
        {%- set expr = values[column] if values else column -%}
        {%- set value = masked_raw_value(column, expr) if masked else expr -%}
        {%- do parts.append("coalesce(" ~ value ~ ", '<null>')") -%}
        {%- if not loop.last %}{% do parts.append("' | '") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}

{#- The row text that orders conflicting duplicates (docs/definitions.md#bad-input: the latest
    timestamp, then the greatest row text): raw_row_text with null as '' rather than <null>,
    which sorts above digits and letters and would let a missing value beat a delivered one.
    Derived from the stored raw_values rather than stored beside it (a second copy of
    every raw row); a delivered value that is literally '<null>' reads as null here, as it
    does in raw_values. -#}
{% macro raw_row_order_text(raw_values) -%}
    replace({{ raw_values }}, '=<null>', '=')
{%- endmacro %}

{#- Text -> number of the given type, null when the text is not a plain decimal number
    (number_pattern: no hexadecimal, no digit separators, no nan or infinity, which some
    engines' casts read) or does not fit the type. Takes trimmed text (clean_text). (dbt's
    own safe_cast is a plain cast on DuckDB, which fails the whole load on one bad value.) -#}
{% macro try_cast_number(expr, type) -%}
    {{ return(adapter.dispatch('try_cast_number', 'lead_funnel')(expr, type)) }}
{%- endmacro %}

{#- A plain decimal number: optional sign, digits with an optional fraction, an optional
    exponent. At most 30 digits each side of the point and a two-digit exponent keep every
    match finite as a double on every engine (and within what Postgres' numeric reads). -#}
{% macro number_pattern() -%}
    {{- return('^[-+]?([0-9]{1,30}([.][0-9]{0,30})?|[.][0-9]{1,30})([eE][-+]?[0-9]{1,2})?$') -}}
{%- endmacro %}

{% macro default__try_cast_number(expr, type) -%}
    case when {{ matches_pattern(expr, number_pattern()) }} then try_cast({{ expr }} as {{ type }}) end
{%- endmacro %}

{% macro postgres__try_cast_number(expr, type) -%}
    {#- Postgres has no non-failing cast: the text is read as numeric only once it matches
        the pattern (a CASE, so the checks run in order), and cast only when it fits the
        type, or the cast would fail the build. -#}
    {%- set number = 'cast(' ~ expr ~ ' as numeric)' -%}
    {%- set type_text = type | lower | trim -%}
    {%- set decimal = modules.re.fullmatch('(numeric|decimal)[(]([0-9]+),([0-9]+)[)]', type_text | replace(' ', '')) -%}
    {%- if decimal -%}
        {%- set fits = 'abs(round(' ~ number ~ ', ' ~ decimal.group(3) ~ ')) < 1e' ~ (decimal.group(2) | int - decimal.group(3) | int) -%}
    {%- elif type_text in ['bigint', 'int8'] -%}
        {%- set fits = 'abs(round(' ~ number ~ ')) <= 9223372036854775807' -%}
    {%- elif type_text in ['integer', 'int', 'int4'] -%}
        {%- set fits = 'abs(round(' ~ number ~ ')) <= 2147483647' -%}
    {%- elif type_text in ['real', 'float4'] -%}
        {%- set fits = 'abs(' ~ number ~ ') < 3.4e38' -%}
    {%- else -%}
        {%- set fits = 'true' -%}
    {%- endif -%}
    case
        when not {{ matches_pattern(expr, number_pattern()) }} then null
        when {{ fits }} then cast({{ number }} as {{ type }})
    end
{%- endmacro %}

{% macro spark__try_cast_number(expr, type) -%}
    {#- Spark's try_cast refuses '1.5' as an integer where DuckDB rounds it (half away from
        zero): integers go through a decimal and round. -#}
    case when {{ matches_pattern(expr, number_pattern()) }} then
    {%- if type | lower in ['bigint', 'int', 'integer', 'smallint', 'tinyint'] %}
        try_cast(round(try_cast({{ expr }} as decimal(38, 9)), 0) as {{ type }})
    {%- else %}
        try_cast({{ expr }} as {{ type }})
    {%- endif %}
    end
{%- endmacro %}

{#- Text -> a whole number (bigint), null unless the text is an integer: optional sign,
    digits, optionally a fraction of zeros ('1200.0'). '1200.7', '.5', '1e3' or '0x10' are
    not integers (a count of employees is not rounded). Takes trimmed text (clean_text);
    at most 18 digits, so it always fits. -#}
{% macro try_cast_integer(expr) -%}
    case
        when {{ matches_pattern(expr, '^[-+]?[0-9]{1,18}([.]0*)?$') }}
            then {{ try_cast_number(expr, dbt.type_bigint()) }}
    end
{%- endmacro %}
