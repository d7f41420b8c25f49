-- one row per scoring rule (seeds/config/scoring_rules.csv), read once for the rule engine: the
-- operator and text to compare with (trimmed, lower-cased) and, for between, the numeric
-- bounds of `low..high`, and the bounds of the optional attendance_share condition (a column
-- older rule files do not have: then no rule has the condition)
{%- set low_text = 'substring(rule_value, 1, range_separator_at - 1)' %}
{%- set high_text = 'substring(rule_value, range_separator_at + 2)' %}
{%- set share_low_text = 'substring(share_condition, 1, share_separator_at - 1)' %}
{%- set share_high_text = 'substring(share_condition, share_separator_at + 2)' %}
{%- set has_share_column = relation_has_column(ref('scoring_rules'), 'attendance_share') %}
with

rules as (select * from {{ ref('scoring_rules') }}),

trimmed as (
    select
        trim(rule_id) as rule_id,
        lower(trim(category)) as category,
        lower(trim(field)) as field,
        lower(trim(operator)) as match_operator,
        trim(value) as rule_value,
        cast(points as {{ type_double() }}) as points,
        -- the cap is a size: a ceiling for positive points, a floor for negative ones
        -- (-10 points with max_points 30 or -30: at most -30 for the lead)
        case
            when points < 0 then -abs(cast(max_points as {{ type_double() }}))
            else abs(cast(max_points as {{ type_double() }}))
        end as max_points,
        coalesce(disqualifies, false) as is_disqualifying,
        {%- if has_share_column %}
        nullif(trim(attendance_share), '') as share_condition
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as share_condition
        {%- endif %}
    from rules
),

separated as (
    select
        rule_id,
        category,
        field,
        match_operator,
        rule_value,
        points,
        max_points,
        is_disqualifying,
        share_condition,
        -- where `..` splits a between rule's `low..high` (0: not found)
        {{ dbt.position("'..'", 'rule_value') | trim }} as range_separator_at,
        {{ dbt.position("'..'", 'share_condition') | trim }} as share_separator_at
    from trimmed
),

final as (
    select
        rule_id,
        category,
        field,
        match_operator,
        rule_value,
        lower(rule_value) as match_value,
        case
            when match_operator = 'between' and range_separator_at > 0
                then {{ try_cast_number(clean_text(low_text), type_double()) }}
        end as value_low,
        case
            when match_operator = 'between' and range_separator_at > 0
                then {{ try_cast_number(clean_text(high_text), type_double()) }}
        end as value_high,
        points,
        max_points,
        is_disqualifying,
        share_condition,
        share_condition is not null as has_share_condition,
        case
            when share_separator_at > 0
                then {{ try_cast_number(clean_text(share_low_text), type_double()) }}
        end as share_low,
        case
            when share_separator_at > 0
                then {{ try_cast_number(clean_text(share_high_text), type_double()) }}
        end as share_high
    from separated
)

select * from final
