{#- Fails on rows where the column is greater than another column of the same row (e.g. a
    funnel count that grows down the funnel: sqls > mqls). The failing-row condition is
    column_rule_failing_row's (macros/run/column_rules.sql), the one a model's column_rules
    test checks when the run leaves this test out. -#}
{% test not_greater_than(model, column_name, other_column) %}
select {{ column_name }}, {{ other_column }}
from {{ model }}
where {{ column_rule_failing_row('not_greater_than',
    {'column_name': column_name, 'other_column': other_column}) }}
{% endtest %}
