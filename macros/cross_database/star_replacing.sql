{#- Every column of a relation (alias.*) with some columns' values replaced, in place:
    `replacements` maps a column name to the expression that replaces it. DuckDB replaces them
    (SELECT * REPLACE); engines without that keep the columns as they are, so use it only
    where keeping the original values is correct too (a saving, not a meaning), or check
    star_replaces_columns() first. -#}
{% macro star_replacing(alias, replacements) -%}
    {{ return(adapter.dispatch('star_replacing', 'lead_funnel')(alias, replacements)) }}
{%- endmacro %}

{% macro default__star_replacing(alias, replacements) -%}
    {{ alias }}.*
{%- endmacro %}

{% macro duckdb__star_replacing(alias, replacements) -%}
    {%- set parts = [] -%}
    {%- for column, expression in replacements.items() -%}
        {%- do parts.append(expression ~ ' as ' ~ column) -%}
    {%- endfor -%}
    {{ alias }}.* replace ({{ parts | join(', ') }})
{%- endmacro %}

{#- Whether star_replacing replaces the columns on this engine (DuckDB) or keeps them. -#}
{% macro star_replaces_columns() -%}
    {{ return(adapter.dispatch('star_replaces_columns', 'lead_funnel')()) }}
{%- endmacro %}

{% macro default__star_replaces_columns() -%}
    {{ return(false) }}
{%- endmacro %}

{% macro duckdb__star_replaces_columns() -%}
    {{ return(true) }}
{%- endmacro %}
