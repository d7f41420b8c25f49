{#- Checks of the vars a run is given, made before any model reads them: the as_of var (read
    by run_as_of) and the vars pasted into SQL as numbers (the on-run-start hook). -#}

{#- The as_of var as text, or none when it is not set (null or blank). Anything else must be
    an ISO 8601 date or timestamp on a real calendar day, the same text the raw timestamps
    may be (iso_timestamp_pattern): a date alone is midnight UTC, a time without an offset
    is UTC. Otherwise the run stops here with a message naming the var, rather than with a
    null "now" that only a not_null test notices. -#}
{% macro as_of_var_text() -%}
    {%- set value = var('as_of', none) -%}
    {%- set text = '' if value is none else value | string | trim -%}
    {%- if text == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set ymd = modules.re.match('([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})', text) -%}
    {%- set is_valid = modules.re.fullmatch(iso_timestamp_pattern(), text) is not none -%}
    {%- if is_valid -%}
        {%- set year, month, day = ymd.group(1) | int, ymd.group(2) | int, ymd.group(3) | int -%}
        {%- set is_leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 -%}
        {%- set month_days = [31, 29 if is_leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
        {%- set is_valid = year > 0 and day <= month_days[month - 1] -%}
    {%- endif -%}
    {%- if not is_valid -%}
        {{ exceptions.raise_compiler_error(
            "The as_of var must be an ISO 8601 date or timestamp on a real calendar day, e.g. "
            ~ "'2025-06-30' (midnight UTC), '2025-06-30 12:00:00' or '2025-06-30T12:00:00Z' "
            ~ "(UTC), '2025-06-30T14:00:00+02:00' (with an offset); or null for the latest raw "
            ~ "timestamp. Got as_of: '" ~ text ~ "'.") }}
    {%- endif -%}
    {{ return(text) }}
{%- endmacro %}

{#- The vars whose value models paste into SQL as a number. The pipeline checks every var
    before dbt starts (src/lead_funnel/common.py check_vars, whose NUMBER_VARS must name these);
    this on-run-start hook holds the number vars when dbt runs without it, so a text such as
    '0 or true' never reaches SQL. -#}
{% macro number_vars() -%}
    {{ return(['engagement_half_life_days', 'mql_threshold', 'calibration_horizon_days',
               'calibration_band_width', 'mql_threshold_curve_step', 'min_leads_at_or_above',
               'cohort_maturity_days', 'backtest_outcome_window_days', 'rate_interval_z',
               'sla_abandoned_after_days', 'attribution_window_days', 'account_engaged_days',
               'account_score_top_n', 'mqa_account_score', 'mqa_engaged_contacts']) }}
{%- endmacro %}

{% macro check_number_vars() -%}
    {%- for name in number_vars() -%}
        {%- set value = var(name, none) -%}
        {%- if value is not none and (value is not number or value is sameas true or value is sameas false) -%}
            {{ exceptions.raise_compiler_error(
                "The " ~ name ~ " var must be a number, got '" ~ value ~ "' (a number is written without quotes, e.g. 100).") }}
        {%- endif -%}
    {%- endfor -%}
    select 1 as number_vars_checked
{%- endmacro %}
