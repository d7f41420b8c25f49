{#- Fails on rows where the boolean SQL expression is not true. The failing-row condition is
    column_rule_failing_row's (macros/run/column_rules.sql), the one a model's column_rules
    test checks when the run leaves this test out. -#}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where {{ column_rule_failing_row('expression_is_true', {'expression': expression}) }}
{% endtest %}
