-- one row per cohort_month (month the lead was created) x lead_source x acquisition_offer:
-- how many of the cohort's leads reached each funnel stage ("reached" as defined once in
-- int_lead_stages_reached: a skipped stage counts as passed, a lead counts once however
-- often it re-enters), the step rates, the median days between stages, and whether the
-- cohort is old enough for its numbers to be final; beside each step rate its Wilson
-- interval and whether it is mature (int_funnel_step_maturity: the p90 time from creation to
-- the step's stage has passed since the cohort month ended). The funnel starts at contacts
-- (every record of the cohort, as the lead stage counts them) with contact -> lead as its
-- first step: the records that have engaged by as_of (int_lead_engagement); the lead stage
-- and every rate from it keep their meaning.
{%- set rates = [
    ('lead_to_mql_rate', 'mqls', 'leads', 'lead_to_mql'),
    ('mql_to_sal_rate', 'sals', 'mqls', 'lead_to_sal'),
    ('sal_to_sql_rate', 'sqls', 'sals', 'lead_to_sql'),
    ('mql_to_sql_rate', 'sqls', 'mqls', 'lead_to_sql'),
    ('sql_to_opportunity_rate', 'opportunities', 'sqls', 'lead_to_opportunity'),
    ('opportunity_to_customer_rate', 'customers', 'opportunities', 'lead_to_customer'),
    ('lead_to_customer_rate', 'customers', 'leads', 'lead_to_customer'),
] %}
{%- set maturity_steps = ['lead_to_mql', 'lead_to_sal', 'lead_to_sql', 'lead_to_opportunity', 'lead_to_customer'] %}
with

-- the leads the funnel leaves out (int_lead_funnel_scope: none, unless the var
-- funnel_exclude_existing_customer_leads leaves out those of existing customers)
leads_out_of_scope as (select lead_id from {{ ref('int_lead_funnel_scope') }} where not is_in_funnel_scope),

stages_reached as (
    select * from {{ ref('int_lead_stages_reached') }} as scoped_rows
    where not exists (
            select 1 from leads_out_of_scope
            where leads_out_of_scope.lead_id = scoped_rows.lead_id
        )
),

as_of as (select as_of_at from {{ ref('run_as_of') }}),

engagement as (select * from {{ ref('int_lead_engagement') }}),

step_maturity as (select * from {{ ref('int_funnel_step_maturity') }}),

-- days a cohort needs, after its month ends, for its rate into each stage to be mature
maturity as (
    select
        {%- for step in maturity_steps %}
        max(case when funnel_step = '{{ step }}' then maturity_days end) as {{ step }}_maturity_days,
        {%- endfor %}
        count(*) as funnel_steps
    from step_maturity
),

-- each lead with its engagement: a contact until engaged_at
cohort_leads as (
    select
        stages_reached.*,
        engagement.is_engaged,
        engagement.engaged_at
    from stages_reached
    left join engagement
        on stages_reached.lead_id = engagement.lead_id
),

cohorts as (
    select
        cohort_month,
        lead_source,
        acquisition_offer,

        -- contacts (every record) and those that engaged: leads in the contact -> lead step
        count(*) as contacts,
        count(case when is_engaged then 1 end) as engaged_leads,

        -- leads reaching each stage
        count(*) as leads,
        count(case when reached_mql then 1 end) as mqls,
        count(case when reached_sal then 1 end) as sals,
        count(case when reached_sql then 1 end) as sqls,
        count(case when reached_opportunity then 1 end) as opportunities,
        count(case when reached_customer then 1 end) as customers,

        -- days from the record's creation to its first engagement (null unless engaged)
        {{ median(days_between('created_at', 'engaged_at')) }}
            as median_days_contact_to_lead,

        -- days between first reaching consecutive stages (null unless both were reached)
        {{ median(days_between('first_lead_at', 'first_mql_at')) }} as median_days_lead_to_mql,
        {{ median(days_between('first_mql_at', 'first_sal_at')) }} as median_days_mql_to_sal,
        {{ median(days_between('first_sal_at', 'first_sql_at')) }} as median_days_sal_to_sql,
        {{ median(days_between('first_sql_at', 'first_opportunity_at')) }} as median_days_sql_to_opportunity,
        {{ median(days_between('first_opportunity_at', 'first_customer_at')) }}
            as median_days_opportunity_to_customer
    from cohort_leads
    group by
        cohort_month,
        lead_source,
        acquisition_offer
),

cohorts_aged as (
    select
        cohorts.*,
        maturity.*,
        {{ days_between(dbt.dateadd('month', 1, 'cohorts.cohort_month'), 'as_of.as_of_at') }} as days_since_cohort_end
    from cohorts
    cross join maturity
    cross join as_of
),

final as (
    select
        -- grain
        cohorts.cohort_month,
        cohorts.lead_source,
        cohorts.acquisition_offer,

        -- the contact -> lead step: every record, the engaged ones, their share and its
        -- Wilson interval, and the median days from creation to engagement
        cohorts.contacts,
        cohorts.engaged_leads,
        {{ safe_ratio('cohorts.engaged_leads', 'cohorts.contacts') }} as contact_to_lead_rate,
        {{ wilson_lower('cohorts.engaged_leads', 'cohorts.contacts') }} as contact_to_lead_rate_ci_lower,
        {{ wilson_upper('cohorts.engaged_leads', 'cohorts.contacts') }} as contact_to_lead_rate_ci_upper,
        cohorts.median_days_contact_to_lead,

        -- leads reaching each stage
        cohorts.leads,
        cohorts.mqls,
        cohorts.sals,
        cohorts.sqls,
        cohorts.opportunities,
        cohorts.customers,

        -- step rates: reached(to) / reached(from), null when nothing reached from
        {{ safe_ratio('cohorts.mqls', 'cohorts.leads') }} as lead_to_mql_rate,
        {{ safe_ratio('cohorts.sals', 'cohorts.mqls') }} as mql_to_sal_rate,
        {{ safe_ratio('cohorts.sqls', 'cohorts.sals') }} as sal_to_sql_rate,
        {{ safe_ratio('cohorts.sqls', 'cohorts.mqls') }} as mql_to_sql_rate,
        {{ safe_ratio('cohorts.opportunities', 'cohorts.sqls') }} as sql_to_opportunity_rate,
        {{ safe_ratio('cohorts.customers', 'cohorts.opportunities') }} as opportunity_to_customer_rate,
        {{ safe_ratio('cohorts.customers', 'cohorts.leads') }} as lead_to_customer_rate,

        -- median days from first reaching one stage to first reaching the next
        cohorts.median_days_lead_to_mql,
        cohorts.median_days_mql_to_sal,
        cohorts.median_days_sal_to_sql,
        cohorts.median_days_sql_to_opportunity,
        cohorts.median_days_opportunity_to_customer,

        -- each step rate's Wilson interval and maturity
        {%- for rate, numerator, denominator, step in rates %}
        {{ wilson_lower('cohorts.' ~ numerator, 'cohorts.' ~ denominator) }} as {{ rate }}_ci_lower,
        {{ wilson_upper('cohorts.' ~ numerator, 'cohorts.' ~ denominator) }} as {{ rate }}_ci_upper,
        cohorts.days_since_cohort_end >= cohorts.{{ step }}_maturity_days as is_{{ rate }}_mature,
        {%- endfor %}

        -- maturity: the month has ended and cohort_maturity_days have passed since
        {{ dbt.dateadd('day', var('cohort_maturity_days'), dbt.dateadd('month', 1, 'cohorts.cohort_month')) }}
        <= as_of.as_of_at as is_cohort_complete
    from cohorts_aged as cohorts
    cross join as_of
)

select * from final
