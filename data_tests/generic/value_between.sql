{#- Fails on rows whose value lies outside [min_value, max_value] (nulls pass: use not_null
    for those). Used for rates, which must stay within [0, 1]. The failing-row condition is
    column_rule_failing_row's (macros/run/column_rules.sql), the one a model's column_rules
    test checks when the run leaves this test out. -#}
{% test value_between(model, column_name, min_value=none, max_value=none) %}
{%- set arguments = {'column_name': column_name} %}
{%- if min_value is not none %}{% do arguments.update({'min_value': min_value}) %}{% endif %}
{%- if max_value is not none %}{% do arguments.update({'max_value': max_value}) %}{% endif %}
select {{ column_name }}
from {{ model }}
where {{ column_rule_failing_row('value_between', arguments) }}
{% endtest %}
