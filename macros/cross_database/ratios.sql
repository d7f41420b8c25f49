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

{#- The Wilson score interval of a rate successes / trials: the bounds a rate this size is
    plausibly within given how few trials it rests on (a 0/4 is not a 0%: its upper bound is
    49%). z from the var rate_interval_z (default 1.96: 95%). Null when trials is 0 or null,
    like the rate itself. With p = successes / trials and n = trials:
        (p + z^2 / 2n -+ z * sqrt(p (1 - p) / n + z^2 / 4n^2)) / (1 + z^2 / n)
    bound: 'lower' or 'upper'; z overrides the var (tests pin 1.96). Clamped to [0, 1] and to
    hold the rate itself, against float noise: at 0/n the lower bound's two terms cancel to
    about 1e-17 rather than 0, which would put a rate of 0 below its own interval (greatest /
    least skip nulls, hence the case). -#}
{% macro wilson_bound(successes, trials, bound, z=none) -%}
    {%- set z = (var('rate_interval_z', 1.96) if z is none else z) | float %}
    {%- set z2 = z * z %}
    {%- set sign = '-' if bound == 'lower' else '+' %}
    {%- if bound not in ('lower', 'upper') %}
        {{ exceptions.raise_compiler_error("wilson_bound: bound must be 'lower' or 'upper', got " ~ bound) }}
    {%- endif %}
    {%- set p = safe_ratio(successes, trials) %}
    {%- set n = 'cast(nullif(' ~ trials ~ ', 0) as ' ~ type_double() ~ ')' %}
    {%- set root = z ~ ' * sqrt(' ~ p ~ ' * (1 - ' ~ p ~ ') / ' ~ n ~ ' + ' ~ z2 ~ ' / (4 * ' ~ n ~ ' * ' ~ n ~ '))' %}
    {%- set bound_sql = '(' ~ p ~ ' + ' ~ z2 ~ ' / (2 * ' ~ n ~ ') ' ~ sign ~ ' ' ~ root ~ ') / (1 + ' ~ z2 ~ ' / ' ~ n ~ ')' %}
    {%- if bound == 'lower' %}
    (case when {{ trials }} > 0 then greatest(0.0, least({{ p }}, {{ bound_sql }})) end)
    {%- else %}
    (case when {{ trials }} > 0 then least(1.0, greatest({{ p }}, {{ bound_sql }})) end)
    {%- endif %}
{%- endmacro %}

{% macro wilson_lower(successes, trials, z=none) -%}
    {{ wilson_bound(successes, trials, 'lower', z) }}
{%- endmacro %}

{% macro wilson_upper(successes, trials, z=none) -%}
    {{ wilson_bound(successes, trials, 'upper', z) }}
{%- endmacro %}
