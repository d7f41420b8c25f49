-- Where does each channel's funnel leak? For every step of the funnel (lead -> MQL -> SAL ->
-- SQL -> opportunity -> customer) and every lead_source, the step's conversion over the
-- channel's cohorts in which that step's rate is mature (mart_funnel_cohort
-- is_<step>_rate_mature: young cohorts have not had time to convert) against the same step
-- over all channels, with the Wilson interval of the channel's rate (macro wilson_lower /
-- wilson_upper), and how long the step takes company-wide (mart_stage_velocity_overall,
-- forward moves). A step is below the company (is_below_company) only where the interval
-- says so: the upper bound of the channel's rate is below the company's rate (a
-- channel at 1.19x the company, or at 0.8x on a dozen leads, is not flagged). A channel's
-- bottleneck (is_bottleneck) is, among those steps, the one where it falls furthest below
-- the company: the lowest index_to_company (its rate / the company's rate); a channel with no
-- step below the company has none. Steps need at least min_leads_at_or_above leads entering
-- them (default 20) to be judged. Rates are summed counts over summed counts, never an
-- average of cohort rates.
--   dbt compile --select funnel_bottleneck_finder   (then run target/compiled/.../funnel_bottleneck_finder.sql)
{%- set min_leads = var('min_leads_at_or_above', 20) %}
{%- set steps = [
    ('lead', 'mql', 'leads', 'mqls', 'is_lead_to_mql_rate_mature'),
    ('mql', 'sal', 'mqls', 'sals', 'is_mql_to_sal_rate_mature'),
    ('sal', 'sql', 'sals', 'sqls', 'is_sal_to_sql_rate_mature'),
    ('sql', 'opportunity', 'sqls', 'opportunities', 'is_sql_to_opportunity_rate_mature'),
    ('opportunity', 'customer', 'opportunities', 'customers', 'is_opportunity_to_customer_rate_mature'),
] %}
with

cohorts as (select * from {{ ref('mart_funnel_cohort') }}),

velocity as (select * from {{ ref('mart_stage_velocity_overall') }}),

-- per step, the channel's cohorts in which the step's rate is mature
channel_steps as (
    {%- for from_stage, to_stage, from_count, to_count, is_mature in steps %}
    select
        lead_source,
        {{ loop.index }} as step_number,
        '{{ from_stage }}' as from_stage,
        '{{ to_stage }}' as to_stage,
        cast(sum({{ from_count }}) as {{ dbt.type_bigint() }}) as entering,
        cast(sum({{ to_count }}) as {{ dbt.type_bigint() }}) as converting
    from cohorts
    where {{ is_mature }}
    group by lead_source
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

company_steps as (
    select
        step_number,
        sum(entering) as company_entering,
        sum(converting) as company_converting
    from channel_steps
    group by step_number
),

-- the company-wide time from entering a stage to entering the next one (skips excluded)
step_days as (
    select
        from_stage,
        to_stage,
        median_days,
        p90_days
    from velocity
    where direction = 'forward'
),

compared as (
    select
        channel_steps.lead_source,
        channel_steps.step_number,
        channel_steps.from_stage,
        channel_steps.to_stage,
        channel_steps.entering,
        channel_steps.converting,
        {{ safe_ratio('channel_steps.converting', 'channel_steps.entering') }} as step_rate,
        {{ wilson_lower('channel_steps.converting', 'channel_steps.entering') }} as step_rate_ci_lower,
        {{ wilson_upper('channel_steps.converting', 'channel_steps.entering') }} as step_rate_ci_upper,
        {{ safe_ratio('company_steps.company_converting', 'company_steps.company_entering') }} as company_step_rate,
        step_days.median_days as company_median_days,
        step_days.p90_days as company_p90_days
    from channel_steps
    inner join company_steps
        on channel_steps.step_number = company_steps.step_number
    left join step_days
        on channel_steps.from_stage = step_days.from_stage
            and channel_steps.to_stage = step_days.to_stage
),

indexed as (
    select
        lead_source,
        step_number,
        from_stage,
        to_stage,
        entering,
        converting,
        step_rate,
        step_rate_ci_lower,
        step_rate_ci_upper,
        company_step_rate,
        company_median_days,
        company_p90_days,
        {{ safe_ratio('step_rate', 'company_step_rate') }} as index_to_company,
        -- below the company where the interval says so: even the channel's upper bound is
        step_rate_ci_upper < company_step_rate as is_below_company,
        -- leads this channel would have converted at the company's rate, minus those it did
        company_step_rate * entering - converting as converting_shortfall,
        -- enough leads entered the step to judge it
        entering >= {{ min_leads }} and company_step_rate > 0 as is_judged
    from compared
),

final as (
    select
        lead_source,
        step_number,
        from_stage,
        to_stage,
        entering,
        converting,
        step_rate,
        step_rate_ci_lower,
        step_rate_ci_upper,
        company_step_rate,
        index_to_company,
        converting_shortfall,
        company_median_days,
        company_p90_days,
        is_judged,
        is_judged and is_below_company as is_below_company,
        is_judged and is_below_company
        and row_number() over (
            partition by lead_source, is_judged and is_below_company
            order by index_to_company, step_number
        ) = 1 as is_bottleneck
    from indexed
)

select * from final
order by lead_source, step_number
