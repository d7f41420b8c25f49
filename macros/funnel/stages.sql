{#- The funnel stages in order, for models whose columns are named after them (reached_mql,
    first_mql_at ...). Their one home is the stages seed (stage_group = 'funnel', by
    stage_order); the column names are part of the contract, so compile time needs the list
    without a query. tests/test_one_home.py holds this list to the seed. -#}
{% macro funnel_stage_names() -%}
    {{ return(['lead', 'mql', 'sal', 'sql', 'opportunity', 'customer']) }}
{%- endmacro %}

{#- The funnel stages from `stage` on, quoted for an `in (...)` list: "reached sql" is an entry
    into sql or any later funnel stage. -#}
{% macro funnel_stages_from(stage) -%}
    {%- set stages = funnel_stage_names() -%}
    {%- for name in stages[stages.index(stage):] -%}
        '{{ name }}'{{ ', ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
