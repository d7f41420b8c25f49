{#- Custom schemas are used as-is (staging, intermediate) instead of being prefixed with the
    target schema, so analysts find the marts in the target schema and the building blocks
    in schemas named for their layer. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
