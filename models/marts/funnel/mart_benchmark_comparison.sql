-- one row per benchmarked metric (a row of the market_benchmarks seed) x scope (the whole
-- company, or one lead_source): the rate (numerator / denominator), its Wilson interval and
-- where it sits against the published band. Funnel rates count only the cohorts whose rate
-- is mature in mart_funnel_cohort (is_<rate>_mature), so an immature cohort never pulls a
-- rate down; the response rate counts only inquiries already judged (touched_within_1_hour
-- not null). band_position is judged on the interval: below only when the whole interval is
-- below the band, so a channel with 2 leads is never called below.
{%- set funnel_metrics = [
    ('lead_to_mql', 'mqls', 'leads', 'is_lead_to_mql_rate_mature'),
    ('mql_to_sal', 'sals', 'mqls', 'is_mql_to_sal_rate_mature'),
    ('sal_to_sql', 'sqls', 'sals', 'is_sal_to_sql_rate_mature'),
    ('sql_to_opportunity', 'opportunities', 'sqls', 'is_sql_to_opportunity_rate_mature'),
    ('opportunity_to_won', 'customers', 'opportunities', 'is_opportunity_to_customer_rate_mature'),
] %}
with

funnel_cohorts as (select * from {{ ref('mart_funnel_cohort') }}),

scored_leads as (select * from {{ ref('scored_leads') }}),

inquiry_clocks as (select * from {{ ref('int_inquiry_response_clocks') }}),

benchmarks as (select * from {{ ref('market_benchmarks') }}),

-- whether each cohort month's lead -> MQL rate is mature (the same for every channel of the
-- month); the sales-ready share grows like lead -> MQL, so it is judged by the same step
cohort_months as (
    select
        cohort_month,
        max(case when is_lead_to_mql_rate_mature then 1 else 0 end) as is_mature
    from funnel_cohorts
    group by cohort_month
),

lead_cohorts as (
    select
        scored_leads.lead_source,
        cast({{ dbt.date_trunc('month', 'scored_leads.created_at') }} as date) as cohort_month,
        scored_leads.mql_eligible_at
    from scored_leads
),

-- one row per metric x lead_source: successes and trials over mature groups only, and the
-- trials left out because their group is not mature yet
channel_counts as (
    {%- for metric, numerator, denominator, is_mature in funnel_metrics %}
    select
        '{{ metric }}' as metric,
        {{ loop.index }} as metric_order,
        lead_source,
        sum(case when {{ is_mature }} then {{ numerator }} else 0 end) as numerator,
        sum(case when {{ is_mature }} then {{ denominator }} else 0 end) as denominator,
        sum(case when {{ is_mature }} then 0 else {{ denominator }} end) as immature_denominator,
        min(case when {{ is_mature }} then cohort_month end) as first_month,
        max(case when {{ is_mature }} then cohort_month end) as last_month
    from funnel_cohorts
    group by lead_source

    union all
    {%- endfor %}

    select
        'sales_ready_share' as metric,
        {{ funnel_metrics | length + 1 }} as metric_order,
        lead_cohorts.lead_source,
        count(case when cohort_months.is_mature = 1 and lead_cohorts.mql_eligible_at is not null then 1 end)
            as numerator,
        count(case when cohort_months.is_mature = 1 then 1 end) as denominator,
        count(case when coalesce(cohort_months.is_mature, 0) = 0 then 1 end) as immature_denominator,
        min(case when cohort_months.is_mature = 1 then lead_cohorts.cohort_month end) as first_month,
        max(case when cohort_months.is_mature = 1 then lead_cohorts.cohort_month end) as last_month
    from lead_cohorts
    left join cohort_months
        on lead_cohorts.cohort_month = cohort_months.cohort_month
    group by lead_cohorts.lead_source

    union all

    -- an inquiry still younger than an hour and untouched is not judged yet (null flag)
    select
        'inquiry_response_within_1h' as metric,
        {{ funnel_metrics | length + 2 }} as metric_order,
        coalesce(lead_source, 'unknown') as lead_source,
        count(case when touched_within_1_hour then 1 end) as numerator,
        count(touched_within_1_hour) as denominator,
        count(*) - count(touched_within_1_hour) as immature_denominator,
        min(case when touched_within_1_hour is not null then inquiry_month end) as first_month,
        max(case when touched_within_1_hour is not null then inquiry_month end) as last_month
    from inquiry_clocks
    group by coalesce(lead_source, 'unknown')
),

scoped_counts as (
    select
        metric,
        metric_order,
        'channel' as scope_type,
        lead_source as scope,
        numerator,
        denominator,
        immature_denominator,
        first_month,
        last_month
    from channel_counts

    union all

    select
        metric,
        metric_order,
        'company' as scope_type,
        'company' as scope,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        sum(immature_denominator) as immature_denominator,
        min(first_month) as first_month,
        max(last_month) as last_month
    from channel_counts
    group by metric, metric_order
),

rated as (
    select
        scoped_counts.metric,
        scoped_counts.metric_order,
        scoped_counts.scope_type,
        scoped_counts.scope,
        cast(scoped_counts.numerator as {{ dbt.type_bigint() }}) as numerator,
        cast(scoped_counts.denominator as {{ dbt.type_bigint() }}) as denominator,
        cast(scoped_counts.immature_denominator as {{ dbt.type_bigint() }}) as immature_denominator,
        scoped_counts.first_month,
        scoped_counts.last_month,
        {{ safe_ratio('scoped_counts.numerator', 'scoped_counts.denominator') }} as rate,
        {{ wilson_lower('scoped_counts.numerator', 'scoped_counts.denominator') }} as rate_ci_lower,
        {{ wilson_upper('scoped_counts.numerator', 'scoped_counts.denominator') }} as rate_ci_upper,
        cast(benchmarks.low as {{ type_double() }}) as band_low,
        cast(benchmarks.high as {{ type_double() }}) as band_high,
        benchmarks.source as band_source,
        benchmarks.source_year as band_source_year
    from scoped_counts
    -- only the metrics the seed has a band for
    inner join benchmarks
        on scoped_counts.metric = benchmarks.metric
),

final as (
    select
        -- grain
        metric,
        scope_type,
        scope,
        metric_order,

        -- the rate over mature groups, and what was left out as not yet mature
        numerator,
        denominator,
        immature_denominator,
        first_month,
        last_month,
        rate,
        rate_ci_lower,
        rate_ci_upper,

        -- the published band
        band_low,
        band_high,
        band_source,
        band_source_year,

        -- where the rate itself falls (null when there is no rate)
        case
            when rate < band_low then 'below'
            when rate > band_high then 'above'
            when rate is not null then 'within'
        end as rate_band_position,

        -- the judgement to quote: outside the band only when the whole interval is
        case
            when rate_ci_upper < band_low then 'below'
            when rate_ci_lower > band_high then 'above'
            when rate is not null then 'within'
        end as band_position
    from rated
)

select * from final
