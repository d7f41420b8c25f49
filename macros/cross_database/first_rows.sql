{#- CTEs that keep the first row of `relation` (a CTE name) per key: the earliest
    `order_column`, ties broken by the lowest `id_column` (unique within a key). The last
    CTE, `name`, has every column of `relation`; `name`__instants and `name`__ids come before
    it.

    Two grouped minimums and a join back, not a row_number() window: a window sorts every
    row of its partitions, the minimums hash them (half the time, or less, on the large
    scoring and activity tables). `relation` is read three times: when it is large, declare
    it `candidates as {{ inline_cte() }} (...)` so that DuckDB does not store it once for
    the three readers. Used as
        with
        candidates as (...),
        {{ first_rows_ctes('first_candidates', 'candidates', ['lead_id'], 'occurred_at', 'activity_id') }},
        final as (select * from first_candidates) -#}
{% macro first_rows_ctes(name, relation, key_columns, order_column, id_column) -%}
{{ name }}__instants as (
    select
        {%- for column in key_columns %}
        {{ column }},
        {%- endfor %}
        min({{ order_column }}) as {{ order_column }}
    from {{ relation }}
    group by {{ key_columns | join(', ') }}
),

{{ name }}__ids as (
    select
        {%- for column in key_columns %}
        {{ relation }}.{{ column }},
        {%- endfor %}
        min({{ relation }}.{{ id_column }}) as {{ id_column }}
    from {{ relation }}
    inner join {{ name }}__instants
        on {{ columns_match(relation, name ~ '__instants', key_columns + [order_column]) }}
    group by {% for column in key_columns %}{{ relation }}.{{ column }}{{ ', ' if not loop.last }}{% endfor %}
),

{{ name }} as (
    select {{ relation }}.*
    from {{ relation }}
    inner join {{ name }}__ids
        on {{ columns_match(relation, name ~ '__ids', key_columns + [id_column]) }}
)
{%- endmacro %}

{#- left.c1 = right.c1 and left.c2 = right.c2 ... for the given columns. -#}
{% macro columns_match(left, right, columns) -%}
    {%- for column in columns -%}
        {{ left }}.{{ column }} = {{ right }}.{{ column }}{{ '\n            and ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
