{#- A CTE `name`: per key of `relation` (a CTE name), the sum of its `n` largest positive values
    of `value_column`, as `value_sum` (0 when none is positive). A value of 0 or below adds
    nothing: the sum of the n largest values with those left out is the sum of the n largest
    positive ones. An account's score at an instant (the n best member scores) is such a sum.

    On DuckDB one aggregate per key: max(value, n) lists the n largest values (nulls left
    out), without sorting every row of the key as a window does. Elsewhere a row_number()
    window ranks the values, ties broken by `id_column` (which tied value is counted does not
    change the sum). -#}
{% macro top_values_sum_cte(name, relation, key_columns, value_column, id_column, n) -%}
    {{ return(adapter.dispatch('top_values_sum_cte', 'lead_funnel')(
        name, relation, key_columns, value_column, id_column, n)) }}
{%- endmacro %}

{% macro default__top_values_sum_cte(name, relation, key_columns, value_column, id_column, n) -%}
{{ name }}__ranked as (
    select
        {%- for column in key_columns %}
        {{ column }},
        {%- endfor %}
        {{ value_column }},
        row_number() over (
            partition by {{ key_columns | join(', ') }}
            order by {{ value_column }} desc, {{ id_column }} asc
        ) as value_rank
    from {{ relation }}
),

{{ name }} as (
    select
        {%- for column in key_columns %}
        {{ column }},
        {%- endfor %}
        sum(
            case when value_rank <= {{ n }} and {{ value_column }} > 0 then {{ value_column }} else 0 end
        ) as value_sum
    from {{ name }}__ranked
    group by {{ key_columns | join(', ') }}
)
{%- endmacro %}

{% macro duckdb__top_values_sum_cte(name, relation, key_columns, value_column, id_column, n) -%}
{{ name }} as (
    select
        {%- for column in key_columns %}
        {{ column }},
        {%- endfor %}
        coalesce(list_sum(max(case when {{ value_column }} > 0 then {{ value_column }} end, {{ n }})), 0)
            as value_sum
    from {{ relation }}
    group by {{ key_columns | join(', ') }}
)
{%- endmacro %}
