-- one row per level_month (month a level was first reached) x mql_level x lead_source: the
-- leads that first reached the level that month (int_lead_mql_levels; disqualified leads and
-- leads out of the funnel's scope left out), how many of them reached SQL, opportunity and
-- customer by as_of (int_lead_stages_reached: "reached" as in the funnel marts), the same for
-- those for which the level is the highest they reached (top_level_*: e.g. sales_ready leads
-- that never raised a hand when fast_lane ranks above it), and speed to lead from the level:
-- the time from first reaching it to the first sales touch at or after that moment.
-- Levels overlap (a lead reaches several), so counts add up over lead_source and months but
-- not over levels; top_level_leads add up over levels to the leads with any level.
{%- set one_hour = 1 %}
with

-- the leads the funnel leaves out (int_lead_funnel_scope: none, unless the var
-- funnel_exclude_existing_customer_leads leaves out those of existing customers)
leads_out_of_scope as (select lead_id from {{ ref('int_lead_funnel_scope') }} where not is_in_funnel_scope),
scored_leads as (select * from {{ ref('scored_leads') }}),
mql_levels as (select * from {{ ref('int_lead_mql_levels') }}),
stages_reached as (select * from {{ ref('int_lead_stages_reached') }}),
scored_activities as (select * from {{ ref('int_activities_scored') }}),
as_of as (select as_of_at from {{ ref('run_as_of') }}),

lead_levels as (
    select
        mql_levels.lead_level_id,
        mql_levels.lead_id,
        mql_levels.level,
        mql_levels.level_order,
        mql_levels.first_reached_at,
        scored_leads.lead_source,
        -- no higher-order level reached by as_of
        mql_levels.level = scored_leads.current_mql_level as is_top_level
    from mql_levels
    inner join scored_leads
        on mql_levels.lead_id = scored_leads.lead_id
    where not scored_leads.is_disqualified
        and not exists (
            select 1 from leads_out_of_scope
            where leads_out_of_scope.lead_id = mql_levels.lead_id
        )
),

sales_touches as (
    select scored_activities.*
    from scored_activities
    cross join as_of
    where scored_activities.is_sales_touch
        and scored_activities.occurred_at <= as_of.as_of_at
),

-- the first sales touch (any rep) at or after the level was first reached (macros/sla/sla_clocks.sql)
first_touches as (
    {{ first_sales_touches('lead_levels', 'lead_level_id', 'first_reached_at', 'sales_touches') }}
),

lead_level_outcomes as (
    select
        lead_levels.lead_level_id,
        lead_levels.level,
        lead_levels.level_order,
        cast({{ dbt.date_trunc('month', 'lead_levels.first_reached_at') }} as date) as level_month,
        lead_levels.lead_source,
        lead_levels.is_top_level,
        stages_reached.reached_sql,
        stages_reached.reached_opportunity,
        stages_reached.reached_customer,
        first_touches.first_touch_at,
        {{ hours_between('lead_levels.first_reached_at', 'first_touches.first_touch_at') }} as hours_to_first_touch,
        {{ touched_within(
            'first_touches.first_touch_at',
            hours_between('lead_levels.first_reached_at', 'first_touches.first_touch_at'),
            hours_between('lead_levels.first_reached_at', 'as_of.as_of_at'),
            one_hour
        ) }} as touched_within_1_hour
    from lead_levels
    inner join stages_reached
        on lead_levels.lead_id = stages_reached.lead_id
    left join first_touches
        on lead_levels.lead_level_id = first_touches.lead_level_id
    cross join as_of
),

level_months as (
    select
        level_month,
        level,
        lead_source,
        max(level_order) as level_order,

        -- leads reaching the level, and of them those reaching each later funnel stage
        count(*) as leads,
        count(case when reached_sql then 1 end) as sqls,
        count(case when reached_opportunity then 1 end) as opportunities,
        count(case when reached_customer then 1 end) as customers,

        -- the same for the leads whose highest level this is
        count(case when is_top_level then 1 end) as top_level_leads,
        count(case when is_top_level and reached_sql then 1 end) as top_level_sqls,
        count(case when is_top_level and reached_opportunity then 1 end) as top_level_opportunities,
        count(case when is_top_level and reached_customer then 1 end) as top_level_customers,

        -- speed to lead from the level
        count(first_touch_at) as touched_leads,
        count(case when touched_within_1_hour then 1 end) as touched_within_1_hour,
        count(touched_within_1_hour) as due_within_1_hour,
        {{ median('hours_to_first_touch') }} as median_hours_to_first_touch
    from lead_level_outcomes
    group by
        level_month,
        level,
        lead_source
),

final as (
    select
        -- grain
        level_month,
        level as mql_level,
        lead_source,
        level_order,

        -- leads reaching the level, and their conversion (null when none reached it)
        leads,
        sqls,
        opportunities,
        customers,
        {{ safe_ratio('sqls', 'leads') }} as level_to_sql_rate,
        {{ wilson_lower('sqls', 'leads') }} as level_to_sql_rate_ci_lower,
        {{ wilson_upper('sqls', 'leads') }} as level_to_sql_rate_ci_upper,
        {{ safe_ratio('opportunities', 'leads') }} as level_to_opportunity_rate,
        {{ safe_ratio('customers', 'leads') }} as level_to_customer_rate,

        -- leads whose highest level this is, and their conversion
        top_level_leads,
        top_level_sqls,
        top_level_opportunities,
        top_level_customers,
        {{ safe_ratio('top_level_sqls', 'top_level_leads') }} as top_level_to_sql_rate,
        {{ wilson_lower('top_level_sqls', 'top_level_leads') }} as top_level_to_sql_rate_ci_lower,
        {{ wilson_upper('top_level_sqls', 'top_level_leads') }} as top_level_to_sql_rate_ci_upper,
        {{ safe_ratio('top_level_opportunities', 'top_level_leads') }} as top_level_to_opportunity_rate,
        {{ safe_ratio('top_level_customers', 'top_level_leads') }} as top_level_to_customer_rate,

        -- speed to lead: hours from first reaching the level to the first sales touch after it
        touched_leads,
        median_hours_to_first_touch,
        -- of the leads whose hour has passed (or that were touched), the share touched within it
        due_within_1_hour,
        touched_within_1_hour,
        {{ safe_ratio('touched_within_1_hour', 'due_within_1_hour') }} as pct_touched_within_1_hour
    from level_months
)

select * from final
