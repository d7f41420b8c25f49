{#- Checks, in one query, the column rules of a model that the build does not run as nodes of
    their own: macros/run/column_rules.sql. Declared once per model: data_tests: [column_rules]. -#}
{% test column_rules(model) %}
{{ column_rules_check(model) }}
{% endtest %}
