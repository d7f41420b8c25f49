{#- docs/definitions.md#the-sal-and-sql-qualification-checklist: the values that record no
    answer. A criterion's value is known when it is present (not null, not blank after trimming)
    and, lower-cased, none of these. Known says the answer was recorded, not that it is
    favourable: `no` to follow_up_permission is a known answer. -#}
{% macro qualification_unknown_values() -%}
    {{ return(['unknown', 'n/a', 'na', 'tbd', '?', '-']) }}
{%- endmacro %}

{#- True when a recorded qualification value (text, trimmed by staging: blank is null) is
    known; false for null. -#}
{% macro qualification_value_is_known(value) -%}
    ({{ value }} is not null and lower({{ value }}) not in ('{{ qualification_unknown_values() | join("', '") }}'))
{%- endmacro %}
