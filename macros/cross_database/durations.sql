{#- Durations exact to the second, from epoch seconds (dbt.datediff counts boundaries
    crossed: 42 h 50 min would be 43 hours). -#}
{% macro epoch_seconds(expr) -%}
    {{ return(adapter.dispatch('epoch_seconds', 'lead_funnel')(expr)) }}
{%- endmacro %}

{% macro default__epoch_seconds(expr) -%}
    epoch({{ expr }})
{%- endmacro %}

{% macro postgres__epoch_seconds(expr) -%}
    {#- extract() gives numeric; double precision like DuckDB and Spark, so durations compare
        equal across engines (and in unit tests: numeric 240.0000000000000000 != 240). -#}
    cast(extract(epoch from {{ expr }}) as double precision)
{%- endmacro %}

{% macro spark__epoch_seconds(expr) -%}
    {#- unix_timestamp() drops fractional seconds; DuckDB's epoch() keeps them. -#}
    (cast(unix_micros(cast({{ expr }} as timestamp)) as double) / 1000000)
{%- endmacro %}

{#- Hours from start_at to end_at (fractional; negative when end is before start). -#}
{% macro hours_between(start_at, end_at) -%}
    (({{ epoch_seconds(end_at) }} - {{ epoch_seconds(start_at) }}) / 3600.0)
{%- endmacro %}

{#- How long a stage entry lasted: to its exit, or to as_of while it is the current entry. -#}
{% macro hours_in_stage(entered_at, exited_at, as_of_at) -%}
    {{ hours_between(entered_at, 'coalesce(' ~ exited_at ~ ', ' ~ as_of_at ~ ')') }}
{%- endmacro %}

{#- Days from start_at to end_at (fractional). -#}
{% macro days_between(start_at, end_at) -%}
    (({{ epoch_seconds(end_at) }} - {{ epoch_seconds(start_at) }}) / 86400.0)
{%- endmacro %}

{#- The UTC timestamp `seconds` after 1970-01-01 (fractional seconds kept to the
    microsecond): the inverse of epoch_seconds. -#}
{% macro timestamp_from_epoch_seconds(seconds) -%}
    {{ return(adapter.dispatch('timestamp_from_epoch_seconds', 'lead_funnel')(seconds)) }}
{%- endmacro %}

{% macro default__timestamp_from_epoch_seconds(seconds) -%}
    make_timestamp(cast(round(({{ seconds }}) * 1000000) as bigint))
{%- endmacro %}

{% macro postgres__timestamp_from_epoch_seconds(seconds) -%}
    (to_timestamp(round(cast({{ seconds }} as numeric), 6)) at time zone 'UTC')
{%- endmacro %}

{% macro spark__timestamp_from_epoch_seconds(seconds) -%}
    timestamp_micros(cast(round(({{ seconds }}) * 1000000) as bigint))
{%- endmacro %}
