{#- A spend plan seed (channel_spend, offer_spend) summed by month and by its keys, within the
    reporting window: a date within the month counts for the month, and the keys are written
    as staging writes lead_source and acquisition_offer (trimmed, lower case, 'unknown' when
    missing), so the plan meets the leads. `relation` and `reporting_window` are CTEs of the
    calling model; the result has spend_month, the key columns and spend. -#}
{% macro monthly_spend(relation, key_columns, reporting_window='reporting_window') -%}
    {%- set month = "cast(" ~ dbt.date_trunc('month', relation ~ '.month') ~ " as date)" -%}
    select
        {{ month }} as spend_month,
        {%- for key in key_columns %}
        coalesce(lower(trim({{ relation }}.{{ key }})), 'unknown') as {{ key }},
        {%- endfor %}
        sum({{ relation }}.spend) as spend
    from {{ relation }}
    cross join {{ reporting_window }}
    where {{ month }} between {{ reporting_window }}.first_month and {{ reporting_window }}.last_month
    group by
        {{ month }}
        {%- for key in key_columns %},
        coalesce(lower(trim({{ relation }}.{{ key }})), 'unknown')
        {%- endfor %}
{%- endmacro %}
