{#- Business-hour durations for SLA clocks: the working time between two UTC timestamps under
    the `business_hours` var's schedule, exact to the second, in closed form (no per-day,
    per-hour or per-minute expansion, so it costs a few arithmetic operations per clock).

    The schedule (dbt_project.yml, var business_hours):
      timezone    IANA name the working day is defined in ("UTC", "Europe/Berlin", ...)
      start_hour  start of the working day, local: 9, 9.5 or "09:30" ("HH:MM[:SS]")
      end_hour    end of the working day, local, later than the start: 17, "17:30", "24:00"
                  (start_time / end_time are accepted as aliases of start_hour / end_hour)
      weekdays    working days, ISO numbers: 1 = Monday ... 7 = Sunday

    How: both ends are converted to local wall-clock time (to_local_time, per engine). On the
    wall clock every working day is the same interval, so the working seconds from a fixed
    Monday (1970-01-05 00:00 local) up to a moment t are
        full weeks before t's week * working seconds per week
      + working days of t's week before t's day * working seconds per day
      + the part of t's day's working interval before t (when t's day is a working day),
    and a duration is that count at the end minus that count at the start. Because days
    are counted on local dates, a 09:00-17:00 day is 8 h also on a daylight-saving change
    day (the change happens at night); only a schedule whose working interval contains the
    change itself (e.g. 00:00-24:00) counts the skipped or repeated hour on the wall clock.
    Holidays are not modelled. -#}

{#- The business clock: working seconds of the schedule from Monday 1970-01-05 00:00 (local)
    up to the UTC timestamp `at`. The business duration between two moments is the
    difference of their business clocks, so a model comparing one start with several ends
    (or the same end with several starts) computes each moment's clock once, in a CTE, and
    subtracts: a time zone conversion costs more than the rest of the arithmetic. -#}
{% macro business_clock_seconds(at, schedule=none) -%}
    {%- set schedule = schedule if schedule is not none else business_hours_schedule() -%}
    {{ working_seconds_since_epoch_monday(to_local_time(at, schedule.timezone), schedule) }}
{%- endmacro %}

{#- Working seconds from Monday 1970-01-05 00:00 (local wall clock) up to local_at, a local
    wall-clock timestamp: full weeks, then the working days of local_at's week before its
    day, then the part of its day's working interval before it. -#}
{% macro working_seconds_since_epoch_monday(local_at, schedule) -%}
    {%- set day_seconds = schedule.end_seconds - schedule.start_seconds -%}
    {#- seconds since Monday 1970-01-05 00:00 (the epoch + 4 days) and their day number -#}
    {%- set since_monday = "(" ~ epoch_seconds(local_at) ~ " - 345600)" -%}
    {%- set day_number = "floor(" ~ since_monday ~ " / 86400)" -%}
    {%- set time_of_day = "(" ~ since_monday ~ " - 86400 * " ~ day_number ~ ")" -%}
    {%- set worked_today = "least(greatest(" ~ time_of_day ~ " - " ~ schedule.start_seconds ~ ", 0), "
        ~ day_seconds ~ ")" -%}
    (
        floor({{ day_number }} / 7) * {{ day_seconds * schedule.weekdays | length }}
        + case {{ day_number }} - 7 * floor({{ day_number }} / 7)
            {%- for index in range(7) %}
            {%- set days_before = schedule.weekdays | select('le', index) | list | length %}
            when {{ index }} then {{ day_seconds * days_before }}
                {%- if (index + 1) in schedule.weekdays %} + {{ worked_today }}{% endif %}
            {%- endfor %}
        end
    )
{%- endmacro %}

{#- The business_hours var, validated and normalised:
    {timezone, start_seconds, end_seconds, weekdays (sorted ISO numbers)}. -#}
{% macro business_hours_schedule(settings=none) -%}
    {%- set settings = settings if settings is not none else var('business_hours', {}) -%}
    {%- set settings = settings if settings is mapping else {} -%}
    {%- set timezone = settings.get('timezone') or 'UTC' -%}
    {%- set start_value = settings.get('start_time', settings.get('start_hour', 9)) -%}
    {%- set end_value = settings.get('end_time', settings.get('end_hour', 17)) -%}
    {%- set start_seconds = time_of_day_seconds(start_value, 'start_hour') | int -%}
    {%- set end_seconds = time_of_day_seconds(end_value, 'end_hour') | int -%}
    {%- if start_seconds >= end_seconds -%}
        {{ exceptions.raise_compiler_error(
            "var business_hours: the working day must end after it starts (start "
            ~ start_value ~ ", end " ~ end_value ~ "); overnight shifts are not supported.") }}
    {%- endif -%}
    {%- set weekdays = [] -%}
    {%- for weekday in settings.get('weekdays', [1, 2, 3, 4, 5]) -%}
        {%- if weekday is not number or weekday | int != weekday or weekday < 1 or weekday > 7 -%}
            {{ exceptions.raise_compiler_error(
                "var business_hours: weekdays must be ISO day numbers 1 (Monday) to 7 (Sunday), got "
                ~ weekday) }}
        {%- endif -%}
        {%- if weekday | int not in weekdays -%}{%- do weekdays.append(weekday | int) -%}{%- endif -%}
    {%- endfor -%}
    {%- if weekdays | length == 0 -%}
        {{ exceptions.raise_compiler_error("var business_hours: weekdays lists no working day.") }}
    {%- endif -%}
    {%- if timezone is not string or "'" in timezone -%}
        {{ exceptions.raise_compiler_error(
            "var business_hours: timezone must be an IANA time zone name such as Europe/Berlin, got "
            ~ timezone) }}
    {%- endif -%}
    {{ return({
        'timezone': timezone,
        'start_seconds': start_seconds,
        'end_seconds': end_seconds,
        'weekdays': weekdays | sort,
    }) }}
{%- endmacro %}

{#- A local time of day as seconds after midnight: 9 -> 32400, 9.5 -> 34200,
    "09:30" -> 34200, "17:45:30" -> 63930, "24:00" -> 86400. -#}
{% macro time_of_day_seconds(value, name) -%}
    {%- if value is number -%}
        {%- set seconds = (value * 3600) | round | int -%}
    {%- else -%}
        {%- set parts = (value | string | trim).split(':') -%}
        {%- set checks = {'valid': parts | length <= 3} -%}
        {%- for part in parts -%}
            {%- if not part.isdigit() or (loop.index > 1 and (part | length != 2 or part | int >= 60)) -%}
                {%- do checks.update({'valid': false}) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if not checks.valid -%}
            {{ exceptions.raise_compiler_error(
                "var business_hours: " ~ name ~ " must be an hour (9, 9.5) or a time \"HH:MM[:SS]\", got "
                ~ value) }}
        {%- endif -%}
        {%- set seconds = (parts[0] | int) * 3600
            + ((parts[1] | int) * 60 if parts | length > 1 else 0)
            + ((parts[2] | int) if parts | length > 2 else 0) -%}
    {%- endif -%}
    {%- if seconds < 0 or seconds > 86400 -%}
        {{ exceptions.raise_compiler_error(
            "var business_hours: " ~ name ~ " must lie between 00:00 and 24:00, got " ~ value) }}
    {%- endif -%}
    {{ return(seconds) }}
{%- endmacro %}

{#- A UTC timestamp (without time zone) as the wall-clock time of `timezone` (an IANA name),
    as a timestamp without time zone. -#}
{% macro to_local_time(expr, timezone) -%}
    {{ return(adapter.dispatch('to_local_time', 'lead_funnel')(expr, timezone)) }}
{%- endmacro %}

{% macro default__to_local_time(expr, timezone) -%}
    {%- if timezone | upper == 'UTC' -%}
        {{ expr }}
    {%- else -%}
        (({{ expr }} at time zone 'UTC') at time zone '{{ timezone }}')
    {%- endif -%}
{%- endmacro %}

{% macro postgres__to_local_time(expr, timezone) -%}
    {%- if timezone | upper == 'UTC' -%}
        {{ expr }}
    {%- else -%}
        cast(({{ expr }} at time zone 'UTC') at time zone '{{ timezone }}' as timestamp)
    {%- endif -%}
{%- endmacro %}

{% macro spark__to_local_time(expr, timezone) -%}
    {%- if timezone | upper == 'UTC' -%}
        {{ expr }}
    {%- else -%}
        from_utc_timestamp({{ expr }}, '{{ timezone }}')
    {%- endif -%}
{%- endmacro %}
