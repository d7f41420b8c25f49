{#- Lead scoring helpers. The rules themselves live in seeds/config/scoring_rules.csv; these
    macros only say what an operator, a cap and a band mean, once. The decay maths:
    macros/scoring/decay.sql. -#}

{#- True when a text value matches a parsed scoring rule (int_scoring_rules_parsed), by the
    rule's operator:
    - equals: the same text, case-insensitively (both sides trimmed);
    - contains: the rule's text occurs in the value, case-insensitively;
    - between: the value read as a number lies in [value_low, value_high], both edges
      inclusive; an empty side of `low..high` is open (`1000..` = 1000 or more).
    A null value never matches. -#}
{% macro scoring_rule_matches(value_expr, rule='rules') -%}
    {#- rendered on one line, so it reads (and lints) as one condition where it is used -#}
    {%- set number = try_cast_number(value_expr, type_double()) -%}
    {%- set conditions = [
        "(" ~ rule ~ ".match_operator = 'equals' and lower(trim(" ~ value_expr ~ ")) = " ~ rule ~ ".match_value)",
        "(" ~ rule ~ ".match_operator = 'contains' and "
            ~ dbt.position(rule ~ ".match_value", "lower(" ~ value_expr ~ ")") | trim ~ " > 0)",
        "(" ~ rule ~ ".match_operator = 'between' and " ~ number ~ " is not null"
            ~ " and (" ~ rule ~ ".value_low is null or " ~ number ~ " >= " ~ rule ~ ".value_low)"
            ~ " and (" ~ rule ~ ".value_high is null or " ~ number ~ " <= " ~ rule ~ ".value_high))",
    ] -%}
    ({{ conditions | join(' or ') | replace('\n', ' ') }})
{%- endmacro %}

{#- True when an activity's attendance share (attendance_share below) meets a parsed rule's
    optional attendance_share condition (int_scoring_rules_parsed): a rule without one always
    passes; a rule with one needs a known share at least share_low (inclusive) and below
    share_high (exclusive), an empty side open, so `..0.5` and `0.5..` split attendances
    without a gap or an overlap. -#}
{% macro attendance_share_matches(share_expr, rule='rules') -%}
    (not coalesce({{ rule }}.has_share_condition, false) or ({{ share_expr }} is not null and ({{ rule }}.share_low is null or {{ share_expr }} >= {{ rule }}.share_low) and ({{ rule }}.share_high is null or {{ share_expr }} < {{ rule }}.share_high)))
{%- endmacro %}

{#- An attendance's share of its event: the seconds attended over the event's length in
    seconds, at most 1 (staying past the scheduled end counts as the whole event). Null when
    either is unknown or the length is not positive. -#}
{% macro attendance_share(seconds_expr, length_seconds_expr) -%}
    case when {{ length_seconds_expr }} > 0 and {{ seconds_expr }} >= 0 then least({{ safe_ratio(seconds_expr, length_seconds_expr) }}, 1.0) end
{%- endmacro %}

{#- True when the activity type expression is one of `types` (a list var such as
    event_attendance_activity_types); false for an empty list. -#}
{% macro activity_type_in(type_expr, types) -%}
    {%- if types -%}
        {{ type_expr }} in ('{{ types | join("', '") }}')
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}

{#- True when `relation` (a seed) has the column: lets an optional seed column (the
    attendance_share of scoring_rules.csv) be absent from older files. False at parse time;
    a unit test overrides it (the fixture stands in for the seed). -#}
{% macro relation_has_column(relation, column_name) -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
    {{ return(column_name | lower in names) }}
{%- endmacro %}

{#- What one more activity adds for a rule whose cap is max_points, given the rule's
    (uncapped) points of the lead's earlier activities (points_before): what is left of the
    cap. For positive points the cap is a ceiling of the rule's total, for negative points a
    floor (-30 stops repeated bounces at -30). A null max_points means no cap. -#}
{% macro capped_points(points, max_points, points_before) -%}
    {%- set left = max_points ~ " - " ~ points_before -%}
    case when {{ max_points }} is null then {{ points }} when {{ points }} >= 0 then least({{ points }}, greatest({{ left }}, 0)) else greatest({{ points }}, least({{ left }}, 0)) end
{%- endmacro %}

{#- The label of the first band whose minimum the value reaches; bands is a mapping
    label -> minimum (a var such as lead_grade_bands), checked from the highest minimum down;
    below every band: otherwise. -#}
{% macro score_band(value_expr, bands, otherwise) -%}
    case
        {%- for label, minimum in bands.items() | sort(attribute='1', reverse=true) %}
        when {{ value_expr }} >= {{ minimum }} then '{{ label }}'
        {%- endfor %}
        else '{{ otherwise }}'
    end
{%- endmacro %}

{#- An 8-byte floating point type (dbt.type_float() is a 4-byte float on DuckDB and Spark). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'lead_funnel')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}

{#- An engagement activity: one a positive-point engagement rule matched (uncapped, so a page
    view still engages once its rule is at its cap; a sales touch, a bounce or an unsubscribe
    engages nobody). Contacts become leads at the first one (int_lead_engagement) and account
    members are engaged for account_engaged_days after each (int_account_engagement_spans).
    `activity` names the int_activities_scored relation or alias (none: unqualified). -#}
{% macro is_engagement_activity(activity=none) -%}
    {{ (activity ~ '.' if activity else '') ~ 'uncapped_points > 0' }}
{%- endmacro %}

{#- The columns of int_leads_profile_scored that the models built on the score fingerprint
    read: all but its incremental bookkeeping (lead_input_fingerprint, written_by_run_id),
    which the leads those models build carry themselves (rows_of_leads_to_build). -#}
{% macro profile_score_columns() -%}
    {{ return(['lead_id', 'created_at', 'fit_score', 'negative_score', 'matched_rule_ids', 'is_profile_complete']) }}
{%- endmacro %}

{#- The lead fields a complete profile must have (the MQL levels' requires_complete_profile):
    the mql_required_fields var. int_leads_profile_scored judges them; int_lead_input_fingerprints
    mixes them into the fingerprint of the MQL level moments, which read that judgment. -#}
{% macro mql_required_fields() -%}
    {{ return(var('mql_required_fields', ['first_name', 'last_name', 'job_title', 'email'])) }}
{%- endmacro %}

{#- The activity types that are a rep's sales touch (int_activities_scored.is_sales_touch,
    which ends the SLA clocks): the sales_touch_activity_types var. -#}
{% macro sales_touch_activity_types() -%}
    {{ return(var('sales_touch_activity_types', ['sales_call', 'sales_email', 'sales_meeting'])) }}
{%- endmacro %}

{#- The activity types that are attending an event (the attendance_share condition of a
    scoring rule, event lengths and outcomes): the event_attendance_activity_types var. -#}
{% macro event_attendance_activity_types() -%}
    {{ return(var('event_attendance_activity_types', ['webinar_attended'])) }}
{%- endmacro %}
