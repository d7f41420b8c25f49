-- Where does each channel's funnel leak? For every step of the funnel (lead -> MQL -> SAL ->
-- SQL -> opportunity -> customer) and every lead_source, the step's conversion over the
-- channel's complete cohorts (mart_funnel_cohort where is_cohort_complete: young cohorts have
-- not had time to convert) against the same step over all channels, and how long the step
-- takes company-wide (mart_stage_velocity_overall, forward moves). A channel's bottleneck
-- (is_bottleneck) is the step where it falls furthest below the company: the lowest
-- index_to_company (its rate / the company's rate), among steps with at least
-- min_leads_at_or_above leads entering them (default 20) so a handful of leads cannot decide.
-- Rates are summed counts over summed counts, never an average of cohort rates.
--   dbt compile --select funnel_bottleneck_finder   (then run target/compiled/.../funnel_bottleneck_finder.sql)
{%- set min_leads = var('min_leads_at_or_above', 20) %}
{%- set steps = [
    ('lead', 'mql', 'leads', 'mqls'),
    ('mql', 'sal', 'mqls', 'sals'),
    ('sal', 'sql', 'sals', 'sqls'),
    ('sql', 'opportunity', 'sqls', 'opportunities'),
    ('opportunity', 'customer', 'opportunities', 'customers'),
] %}
with

cohorts as (select * from {{ ref('mart_funnel_cohort') }} where is_cohort_complete),

velocity as (select * from {{ ref('mart_stage_velocity_overall') }}),

channel_counts as (
    select
        lead_source,
        cast(sum(leads) as {{ dbt.type_bigint() }}) as leads,
        cast(sum(mqls) as {{ dbt.type_bigint() }}) as mqls,
        cast(sum(sals) as {{ dbt.type_bigint() }}) as sals,
        cast(sum(sqls) as {{ dbt.type_bigint() }}) as sqls,
        cast(sum(opportunities) as {{ dbt.type_bigint() }}) as opportunities,
        cast(sum(customers) as {{ dbt.type_bigint() }}) as customers
    from cohorts
    group by lead_source
),

channel_steps as (
    {%- for from_stage, to_stage, from_count, to_count in steps %}
    select
        lead_source,
        {{ loop.index }} as step_number,
        '{{ from_stage }}' as from_stage,
        '{{ to_stage }}' as to_stage,
        {{ from_count }} as entering,
        {{ to_count }} as converting
    from channel_counts
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
        company_step_rate,
        company_median_days,
        company_p90_days,
        {{ safe_ratio('step_rate', 'company_step_rate') }} as index_to_company,
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
        company_step_rate,
        index_to_company,
        converting_shortfall,
        company_median_days,
        company_p90_days,
        is_judged
        and row_number() over (
            partition by lead_source, is_judged
            order by index_to_company, step_number
        ) = 1 as is_bottleneck
    from indexed
)

select * from final
order by lead_source, step_number
