-- one row per period_month x stage (funnel and outcome stages): the stage entries dated in
-- that calendar month, first entries and re-entries. Period counts are activity, not
-- conversion of a fixed group: a month's MQL -> SQL ratio may exceed 100%.
-- Every stage appears in every month that has any stage entry (0 when none).
with

-- the leads the funnel leaves out (int_lead_funnel_scope: none, unless the var
-- funnel_exclude_existing_customer_leads leaves out those of existing customers)
leads_out_of_scope as (select lead_id from {{ ref('int_lead_funnel_scope') }} where not is_in_funnel_scope),

stage_history as (
    select * from {{ ref('fct_lead_stage_history') }} as scoped_rows
    where not exists (
            select 1 from leads_out_of_scope
            where leads_out_of_scope.lead_id = scoped_rows.lead_id
        )
),

stages as (select * from {{ ref('stages') }}),

entries as (
    select
        cast({{ dbt.date_trunc('month', 'entered_at') }} as date) as period_month,
        stage,
        lead_id,
        entry_number
    from stage_history
),

months as (
    select distinct period_month
    from entries
),

month_stages as (
    select
        months.period_month,
        stages.stage,
        stages.stage_order,
        stages.stage_group
    from months
    cross join stages
),

entry_counts as (
    select
        period_month,
        stage,
        count(*) as entries,
        count(case when entry_number = 1 then 1 end) as first_entries,
        count(case when entry_number > 1 then 1 end) as re_entries,
        count(distinct lead_id) as leads
    from entries
    group by
        period_month,
        stage
),

final as (
    select
        -- grain
        month_stages.period_month,
        month_stages.stage,

        -- stage attributes
        month_stages.stage_order,
        month_stages.stage_group,

        -- counts
        coalesce(entry_counts.entries, 0) as entries,
        coalesce(entry_counts.first_entries, 0) as first_entries,
        coalesce(entry_counts.re_entries, 0) as re_entries,
        coalesce(entry_counts.leads, 0) as leads
    from month_stages
    left join entry_counts
        on month_stages.period_month = entry_counts.period_month
            and month_stages.stage = entry_counts.stage
)

select * from final
