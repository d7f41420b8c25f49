{#- Fails on each combination of `columns` that more than one row of the model holds: the
    uniqueness of a grain made of several columns (a mart's month x channel x ...), which a
    single-column unique test cannot check. Nulls count as a value. -#}
{% test unique_combination(model, columns) %}
select
    {{ columns | join(', ') }},
    count(*) as rows_with_this_combination
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
