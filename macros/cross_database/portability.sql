{#- Portable spellings of what DuckDB, Postgres and Spark write differently, for any model.
    Each dispatches (DuckDB = default) so a model never tests target.type itself. See also
    macros/cross_database/durations.sql (epoch_seconds, hours_between, days_between) and
    macros/staging/parsing.sql (parse_timestamp_utc, try_cast_number, matches_pattern). -#}

{#- Text values of a group joined by a delimiter, ordered by order_by (default: the values
    themselves); null when the group has no non-null value. dbt.listagg drops the order on
    Spark (collect_list keeps no order there), so two engines would list the same items in a
    different order. -#}
{% macro listagg_ordered(measure, delimiter="', '", order_by=none) -%}
    {{ return(adapter.dispatch('listagg_ordered', 'lead_funnel')(measure, delimiter, order_by or measure)) }}
{%- endmacro %}

{% macro default__listagg_ordered(measure, delimiter, order_by) -%}
    string_agg({{ measure }}, {{ delimiter }} order by {{ order_by }})
{%- endmacro %}

{#- DuckDB sorts an ordered string_agg inside every group, which costs about six times an
    unordered one when most groups hold one value (20M activities of one matched rule each:
    28 CPU-s against 5 at 1M leads). Values ordered by themselves are therefore joined
    unordered, with the ASCII unit separator (U+001F, a control character no id holds), and
    only a group that joined more than one value is split, sorted and joined again, in the
    same order as `order by` the values. Ordered by another column: string_agg's own order. -#}
{% macro duckdb__listagg_ordered(measure, delimiter, order_by) -%}
    {%- if order_by != measure -%}
        {{ default__listagg_ordered(measure, delimiter, order_by) }}
    {%- else -%}
        {%- set joined = "string_agg(" ~ measure ~ ", chr(31))" -%}
        case
            when contains({{ joined }}, chr(31))
                then array_to_string(list_sort(string_split({{ joined }}, chr(31))), {{ delimiter }})
            else {{ joined }}
        end
    {%- endif -%}
{%- endmacro %}

{% macro spark__listagg_ordered(measure, delimiter, order_by) -%}
    case when count({{ measure }}) > 0 then
        array_join(
            transform(
                array_sort(collect_list(named_struct('sort_key', {{ order_by }}, 'item', {{ measure }}))),
                entry -> entry.item
            ),
            {{ delimiter }}
        )
    end
{%- endmacro %}

{#- A number rounded to `digits` decimals, half away from zero, as a double. Postgres rounds
    only numerics (round(double precision, int) does not exist). -#}
{% macro round_to(expr, digits) -%}
    {{ return(adapter.dispatch('round_to', 'lead_funnel')(expr, digits)) }}
{%- endmacro %}

{% macro default__round_to(expr, digits) -%}
    round(cast({{ expr }} as double), {{ digits }})
{%- endmacro %}

{% macro postgres__round_to(expr, digits) -%}
    cast(round(cast({{ expr }} as numeric), {{ digits }}) as double precision)
{%- endmacro %}


{#- The hint that makes a CTE read more than once be inlined into each reader rather than
    computed once and stored, written between `name as` and the CTE's parenthesis. DuckDB
    stores such a CTE by default: for a CTE that only reads a large table, that writes every
    row out again (and spills to disk) where two scans of the table cost far less. Postgres
    (12 and later) has the same hint; Spark has none and inlines CTEs on its own. -#}
{% macro inline_cte() -%}
    {{ return(adapter.dispatch('inline_cte', 'lead_funnel')()) }}
{%- endmacro %}

{% macro default__inline_cte() -%}
    not materialized
{%- endmacro %}

{% macro spark__inline_cte() -%}
{%- endmacro %}
