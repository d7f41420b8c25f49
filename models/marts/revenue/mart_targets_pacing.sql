-- one row per month x metric (mql, sql, opportunity, customer, won_amount) of the reporting
-- window (int_reporting_window: first data to as_of's month) that has a target or an actual:
-- the actual against the month's target, and for the month containing as_of how far along
-- the plan it should be by now (month-to-date pacing) and where the month ends at the
-- current pace (docs/definitions.md#targets-and-pacing).
--   - actuals: mql / sql / opportunity / customer = entries into the stage dated in the month
--     (every entry, as mart_mql_monthly counts MQLs and mart_funnel_period counts entries);
--     won_amount = the won amount of deals won (closed as won) in the month;
--   - targets: mql from mql_targets (the one home of the MQL plan), the others from
--     stage_targets (optional: empty = no target);
--   - pacing: the share of the month's plan due by as_of under the plan of the var
--     targets_pacing_plan: linear (calendar time) or business_days (working days).
{%- set pacing_plan = var('targets_pacing_plan', 'linear') %}
{%- if pacing_plan not in ('linear', 'business_days') %}
    {{ exceptions.raise_compiler_error(
        "The targets_pacing_plan var must be 'linear' or 'business_days', got '" ~ pacing_plan ~ "'.") }}
{%- endif %}
{#- Working days counted with the business clock's closed form: a working day is a whole
    24-hour UTC day on one of business_hours' weekdays, so the "working seconds" between two
    moments / 86400 are the working days between them (a part of as_of's day counts as its
    fraction when that day is a working day). -#}
{%- set working_day_schedule = {
    'start_seconds': 0,
    'end_seconds': 86400,
    'weekdays': business_hours_schedule().weekdays,
} %}
{#- The plan's clock at a moment, in seconds since a fixed origin: calendar seconds (linear), or
    the seconds of whole working days (business_days). Differences are taken in seconds and
    only then turned into days, so they stay exact. -#}
{%- set plan_seconds_at = {} %}
{%- for moment in ['month_start_at', 'next_month_start_at', 'as_of_at'] %}
{%- if pacing_plan == 'linear' %}
{%- set seconds = epoch_seconds(moment) %}
{%- else %}
{%- set seconds = working_seconds_since_epoch_monday(moment, working_day_schedule) %}
{%- endif %}
{%- do plan_seconds_at.update({moment: seconds}) %}
{%- endfor %}
with

-- the leads the stage actuals leave out, as the funnel marts do (int_lead_funnel_scope: none,
-- unless the var funnel_exclude_existing_customer_leads leaves out those of existing
-- customers); won_amount counts every deal
leads_out_of_scope as (select lead_id from {{ ref('int_lead_funnel_scope') }} where not is_in_funnel_scope),

stage_entries as (
    select * from {{ ref('int_lead_stage_entries') }} as scoped_rows
    where not exists (
            select 1 from leads_out_of_scope
            where leads_out_of_scope.lead_id = scoped_rows.lead_id
        )
),

opportunities as (select * from {{ ref('int_opportunities') }}),

stage_targets as (select * from {{ ref('stage_targets') }}),

mql_targets as (select * from {{ ref('mql_targets') }}),

reporting_window as (select * from {{ ref('int_reporting_window') }}),

as_of as (select as_of_at from {{ ref('run_as_of') }}),

-- count metrics: every entry into the stage dated in the month (int_mql_entries are exactly
-- the mql entries, so mql matches mart_mql_monthly.mqls; a re-entry counts again, a skipped
-- stage is not entered and does not count)
stage_actuals as (
    select
        cast({{ dbt.date_trunc('month', 'entered_at') }} as date) as target_month,
        stage as metric,
        cast(count(*) as {{ dbt.type_numeric() }}) as actual,
        cast(null as {{ dbt.type_bigint() }}) as won_deals_without_amount
    from stage_entries
    where stage in ('mql', 'sql', 'opportunity', 'customer')
    group by
        cast({{ dbt.date_trunc('month', 'entered_at') }} as date),
        stage
),

-- won_amount: deals won in the month; a won deal without any amount adds nothing and is
-- counted beside it
won_actuals as (
    select
        closed_month as target_month,
        'won_amount' as metric,
        cast(coalesce(sum(won_amount), 0) as {{ dbt.type_numeric() }}) as actual,
        cast(
            count(case when won_amount is null then 1 end) as {{ dbt.type_bigint() }}
        ) as won_deals_without_amount
    from opportunities
    where outcome = 'won'
    group by closed_month
),

actuals as (
    select * from stage_actuals
    union all
    select * from won_actuals
),

-- the plan, by month (a date within the month counts for the month; two rows for one month
-- and metric add up, as mart_mql_monthly adds up mql_targets)
planned as (
    select
        cast({{ dbt.date_trunc('month', 'month') }} as date) as target_month,
        metric,
        'stage_targets' as target_source,
        cast(target as {{ dbt.type_numeric() }}) as target
    from stage_targets
    -- an mql row (which fails the seed's metric test) never overrides mql_targets
    where metric in ('sql', 'opportunity', 'customer', 'won_amount')

    union all

    select
        cast({{ dbt.date_trunc('month', 'month') }} as date) as target_month,
        'mql' as metric,
        'mql_targets' as target_source,
        cast(target_mqls as {{ dbt.type_numeric() }}) as target
    from mql_targets
),

targets as (
    select
        target_month,
        metric,
        target_source,
        cast(sum(target) as {{ dbt.type_numeric() }}) as target
    from planned
    group by
        target_month,
        metric,
        target_source
),

-- the grain: months of the window with a target or an actual
joined as (
    select
        coalesce(actuals.target_month, targets.target_month) as target_month,
        coalesce(actuals.metric, targets.metric) as metric,
        cast(coalesce(actuals.actual, 0) as {{ dbt.type_numeric() }}) as actual,
        case
            when coalesce(actuals.metric, targets.metric) = 'won_amount'
                then coalesce(actuals.won_deals_without_amount, 0)
        end as won_deals_without_amount,
        targets.target,
        targets.target_source
    from actuals
    full outer join targets
        on actuals.target_month = targets.target_month
            and actuals.metric = targets.metric
),

in_window as (
    select
        joined.target_month,
        joined.metric,
        joined.actual,
        joined.won_deals_without_amount,
        joined.target,
        joined.target_source,
        reporting_window.last_month as as_of_month,
        as_of.as_of_at,
        cast(joined.target_month as {{ dbt.type_timestamp() }}) as month_start_at,
        cast({{ dbt.dateadd('month', 1, 'joined.target_month') }} as {{ dbt.type_timestamp() }})
            as next_month_start_at
    from joined
    cross join reporting_window
    cross join as_of
    where joined.target_month between reporting_window.first_month and reporting_window.last_month
),

-- the plan's clock (seconds since a fixed origin) at the month's start and end and at
-- as_of: calendar days (linear) or working days (business_days, the business clock of whole
-- working days)
plan_clock as (
    select
        target_month,
        metric,
        actual,
        won_deals_without_amount,
        target,
        target_source,
        as_of_month,
        {{ plan_seconds_at['month_start_at'] }} as month_start_plan_seconds,
        {{ plan_seconds_at['next_month_start_at'] }} as next_month_start_plan_seconds,
        {{ plan_seconds_at['as_of_at'] }} as as_of_plan_seconds
    from in_window
),

-- the plan's days of the month, and those before as_of (capped at the month's end: all of
-- them for a month before as_of's month)
plan_days as (
    select
        target_month,
        metric,
        actual,
        won_deals_without_amount,
        target,
        target_source,
        as_of_month,
        (next_month_start_plan_seconds - month_start_plan_seconds) / 86400.0 as plan_days_in_month,
        (least(as_of_plan_seconds, next_month_start_plan_seconds) - month_start_plan_seconds) / 86400.0
            as plan_days_elapsed
    from plan_clock
),

final as (
    select
        -- grain
        target_month as month,  -- noqa: RF04
        metric,

        -- what is counted, and whether the month is over
        case when metric = 'won_amount' then 'amount' else 'count' end as metric_unit,
        case when target_month < as_of_month then 'complete' else 'in_progress' end as month_status,

        -- actual against the month's target
        actual,
        won_deals_without_amount,
        target,
        target_source,
        {{ safe_ratio('actual', 'target') }} as attainment,

        -- month-to-date pacing; a complete month is all done (share 1, forecast = actual).
        -- For as_of's month the products are formed before the one division, so a value is
        -- as exact as a single ratio (target x elapsed / days, not target x share).
        '{{ pacing_plan }}' as pacing_plan,
        plan_days_in_month,
        plan_days_elapsed,
        case
            when target_month < as_of_month then cast(1 as {{ type_double() }})
            else {{ safe_ratio('plan_days_elapsed', 'plan_days_in_month') }}
        end as plan_share_elapsed,
        case
            when target_month < as_of_month then cast(target as {{ type_double() }})
            else {{ safe_ratio('target * plan_days_elapsed', 'plan_days_in_month') }}
        end as expected_to_date,
        case
            when target_month < as_of_month then {{ safe_ratio('actual', 'target') }}
            else {{ safe_ratio('actual * plan_days_in_month', 'target * plan_days_elapsed') }}
        end as pace,
        case
            when target_month < as_of_month then cast(actual as {{ type_double() }})
            else {{ safe_ratio('actual * plan_days_in_month', 'plan_days_elapsed') }}
        end as forecast_at_pace
    from plan_days
)

select * from final
