{#- Fails on rows where the column is greater than another column of the same row (e.g. a
    funnel count that grows down the funnel: sqls > mqls). -#}
{% test not_greater_than(model, column_name, other_column) %}
select {{ column_name }}, {{ other_column }}
from {{ model }}
where {{ column_name }} > {{ other_column }}
{% endtest %}
