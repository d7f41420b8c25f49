-- one row per funnel step (from_stage -> to_stage, every ordered pair of funnel stages): how
-- long the step takes (days from first reaching from_stage to first reaching to_stage, over
-- every lead that made it, all history: the reached rule of int_lead_stages_reached) and so
-- how long a group of leads must have had before a rate into to_stage is mature. The
-- maturity is the step's p90 time, unless the var funnel_step_maturity_days sets the step
-- ('mql_to_sql': 30); a step no lead has made yet falls back to cohort_maturity_days.
{%- set funnel_stages = funnel_stage_names() %}
{%- set set_days = var('funnel_step_maturity_days', {}) or {} %}
{%- set fallback_days = var('cohort_maturity_days', 90) %}
{%- set steps = [] %}
{%- for from_stage in funnel_stages %}
{%- for to_stage in funnel_stages[loop.index:] %}
{%- do steps.append((from_stage, to_stage)) %}
{%- endfor %}
{%- endfor %}
{#- a misspelt step or a non-number would otherwise be ignored or break the SQL -#}
{%- set step_names = steps | map('join', '_to_') | list %}
{%- for step, days in set_days.items() %}
{%- if step not in step_names %}
{{ exceptions.raise_compiler_error("funnel_step_maturity_days: unknown funnel step '" ~ step
    ~ "'. Steps are <from>_to_<to> over " ~ funnel_stages | join(', ') ~ " in that order, e.g. "
    ~ "lead_to_customer or mql_to_sql.") }}
{%- endif %}
{%- if not modules.re.fullmatch('[+]?([0-9]+[.]?[0-9]*|[.][0-9]+)', days | string | trim) %}
{{ exceptions.raise_compiler_error("funnel_step_maturity_days: " ~ step
    ~ " must be a number of days >= 0, got '" ~ days ~ "'.") }}
{%- endif %}
{%- endfor %}
with

stages_reached as (select * from {{ ref('int_lead_stages_reached') }}),

-- p90s rounded to 1e-6 days (0.1 s): interpolation noise must not differ between engines
lags as (
    select
        {%- for from_stage, to_stage in steps %}
        {%- set lag_days = days_between('first_' ~ from_stage ~ '_at', 'first_' ~ to_stage ~ '_at') %}
        count(first_{{ to_stage }}_at) as {{ from_stage }}_to_{{ to_stage }}_transitions,
        {{ round_to(percentile_cont(lag_days, 0.9), 6) }} as {{ from_stage }}_to_{{ to_stage }}_p90_days,
        {%- endfor %}
        count(*) as leads
    from stages_reached
),

steps as (
    {%- for from_stage, to_stage in steps %}
    {%- set step = from_stage ~ '_to_' ~ to_stage %}
    select
        '{{ step }}' as funnel_step,
        '{{ from_stage }}' as from_stage,
        '{{ to_stage }}' as to_stage,
        cast({{ step }}_transitions as {{ dbt.type_bigint() }}) as transitions,
        cast({{ step }}_p90_days as {{ type_double() }}) as p90_days,
        {{ 'true' if step in set_days else 'false' }} as is_maturity_set,
        {%- set maturity = set_days[step] if step in set_days
            else 'coalesce(' ~ step ~ '_p90_days, ' ~ fallback_days ~ ')' %}
        cast({{ maturity }} as {{ type_double() }}) as maturity_days
    from lags
    {{ "union all" if not loop.last }}
    {%- endfor %}
)

select * from steps
