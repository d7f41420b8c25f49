{#- Durations exact to the second, from epoch seconds (dbt.datediff counts boundaries
    crossed: 42 h 50 min would be 43 hours). -#}
{% macro epoch_seconds(expr) -%}
    {{ return(adapter.dispatch('epoch_seconds', 'lead_funnel')(expr)) }}
{%- endmacro %}

{% macro default__epoch_seconds(expr) -%}
    epoch({{ expr }})
{%- endmacro %}

{% macro postgres__epoch_seconds(expr) -%}
    extract(epoch from {{ expr }})
{%- endmacro %}

{% macro spark__epoch_seconds(expr) -%}
    unix_timestamp({{ expr }})
{%- endmacro %}

{#- Hours from start_at to end_at (fractional; negative when end is before start). -#}
{% macro hours_between(start_at, end_at) -%}
    (({{ epoch_seconds(end_at) }} - {{ epoch_seconds(start_at) }}) / 3600.0)
{%- endmacro %}

{#- Days from start_at to end_at (fractional). -#}
{% macro days_between(start_at, end_at) -%}
    (({{ epoch_seconds(end_at) }} - {{ epoch_seconds(start_at) }}) / 86400.0)
{%- endmacro %}
