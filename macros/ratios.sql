{#- numerator / denominator as a double, null when the denominator is 0 or null (a rate
    with nothing to divide by is unknown, not 0). Used for every rate, attainment and
    cost-per metric in the marts. -#}
{% macro safe_ratio(numerator, denominator) -%}
    {{ return(adapter.dispatch('safe_ratio', 'lead_funnel')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__safe_ratio(numerator, denominator) -%}
    (cast({{ numerator }} as double) / nullif({{ denominator }}, 0))
{%- endmacro %}

{% macro postgres__safe_ratio(numerator, denominator) -%}
    (cast({{ numerator }} as double precision) / nullif({{ denominator }}, 0))
{%- endmacro %}
