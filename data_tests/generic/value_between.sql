{#- Fails on rows whose value lies outside [min_value, max_value] (nulls pass: use not_null
    for those). Used for rates, which must stay within [0, 1]. -#}
{% test value_between(model, column_name, min_value=0, max_value=1) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} < {{ min_value }}
    or {{ column_name }} > {{ max_value }}
{% endtest %}
