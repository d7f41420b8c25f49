{#- Parsing helpers used by staging. Each takes a text expression and never fails: a value
    that cannot be parsed becomes null (staging records why). -#}

{#- Blank text -> null. -#}
{% macro clean_text(expr) -%}
    nullif(trim({{ expr }}), '')
{%- endmacro %}

{#- ISO 8601 text (with or without a UTC offset; naive = UTC) -> a UTC timestamp without
    time zone, or null when unparseable. -#}
{% macro parse_timestamp_utc(expr) -%}
    {{ return(adapter.dispatch('parse_timestamp_utc', 'lead_funnel')(expr)) }}
{%- endmacro %}

{% macro default__parse_timestamp_utc(expr) -%}
    cast({{ try_cast_number(expr, 'timestamp with time zone') }} at time zone 'UTC' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro duckdb__parse_timestamp_utc(expr) -%}
    {#- The profile pins the session TimeZone to UTC, so naive text is read as UTC. -#}
    cast(try_cast(trim({{ expr }}) as timestamptz) at time zone 'UTC' as timestamp)
{%- endmacro %}

{% macro spark__parse_timestamp_utc(expr) -%}
    {#- Spark's session time zone is set to UTC by the profile; to_timestamp honours offsets. -#}
    try_to_timestamp(trim({{ expr }}))
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
    ({{ expr }} rlike '{{ pattern }}')
{%- endmacro %}

{#- One text holding a raw row's values, `column=value` joined by ' | ' (null shown as
    <null>). Used to show rejected rows and to order conflicting duplicates. -#}
{% macro raw_row_text(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("'" ~ column ~ "='") -%}
        {%- do parts.append("coalesce(" ~ column ~ ", '<null>')") -%}
        {%- if not loop.last %}{% do parts.append("' | '") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}

{#- Text -> number of the given type, null when the text is not a number. (dbt's own
    safe_cast is a plain cast on DuckDB, which fails the whole load on one bad value.) -#}
{% macro try_cast_number(expr, type) -%}
    {{ return(adapter.dispatch('try_cast_number', 'lead_funnel')(expr, type)) }}
{%- endmacro %}

{% macro default__try_cast_number(expr, type) -%}
    try_cast({{ expr }} as {{ type }})
{%- endmacro %}

{% macro postgres__try_cast_number(expr, type) -%}
    case
        when {{ matches_pattern(expr, '^[[:space:]]*[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][-+]?[0-9]+)?[[:space:]]*$') }}
            then cast(cast({{ expr }} as numeric) as {{ type }})
    end
{%- endmacro %}
