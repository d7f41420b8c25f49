{#- True when both expressions are equal or both null (SQL's `=` is null then). -#}
{% macro equal_or_both_null(left, right) -%}
    {{ return(adapter.dispatch('equal_or_both_null', 'lead_funnel')(left, right)) }}
{%- endmacro %}

{% macro default__equal_or_both_null(left, right) -%}
    {{ left }} is not distinct from {{ right }}
{%- endmacro %}

{% macro spark__equal_or_both_null(left, right) -%}
    {{ left }} <=> {{ right }}
{%- endmacro %}
