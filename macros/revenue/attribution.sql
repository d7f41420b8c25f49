{#- The attribution models, the one list: int_attribution_credits credits every deal under
    each of them, and the tests that the credits add up check each of them. -#}
{% macro attribution_model_names() -%}
    {{ return(['first_touch', 'last_touch', 'linear', 'w_shaped']) }}
{%- endmacro %}

{#- The attribution models as rows (one column, attribution_model), for a CTE. -#}
{% macro attribution_models() -%}
    {%- for name in attribution_model_names() %}
    select '{{ name }}' as attribution_model
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
