{#- Continuous percentiles (linear interpolation between the two nearest values, nulls
    ignored), for medians and p90s in aggregate queries. Engines spell it differently:
    DuckDB quantile_cont(x, p), Postgres percentile_cont(p) within group (order by x),
    Spark percentile(x, p) (exact; percentile_approx would not match the other engines). -#}
{% macro percentile_cont(expr, fraction) -%}
    {{ return(adapter.dispatch('percentile_cont', 'lead_funnel')(expr, fraction)) }}
{%- endmacro %}

{% macro default__percentile_cont(expr, fraction) -%}
    quantile_cont({{ expr }}, {{ fraction }})
{%- endmacro %}

{% macro postgres__percentile_cont(expr, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expr }})
{%- endmacro %}

{% macro spark__percentile_cont(expr, fraction) -%}
    percentile({{ expr }}, {{ fraction }})
{%- endmacro %}

{#- The median (the 0.5 continuous percentile): the mean of the two middle values when
    their count is even. -#}
{% macro median(expr) -%}
    {{ percentile_cont(expr, 0.5) }}
{%- endmacro %}
