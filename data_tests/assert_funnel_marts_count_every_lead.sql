-- no loss, no double counting: summed over their rows, mart_funnel_cohort and
-- mart_channel_performance count every valid lead once and every stage reached as often as
-- int_lead_stages_reached does; mart_mql_monthly counts every MQL entry and
-- mart_funnel_period every stage entry; all of them over the funnel's leads
-- (int_lead_funnel_scope: every lead unless funnel_exclude_existing_customer_leads)
{#- the counts compared, and per mart: its import CTE and, for each count it holds, the
    column summed to it -#}
{%- set counts = ['leads', 'mqls', 'sqls', 'opportunities', 'customers', 'mql_entries', 'stage_entries'] %}
{%- set lead_counts = {
    'leads': 'leads', 'mqls': 'mqls', 'sqls': 'sqls',
    'opportunities': 'opportunities', 'customers': 'customers',
} %}
{%- set marts = [
    ('mart_funnel_cohort', 'cohort', lead_counts),
    ('mart_channel_performance', 'channel', lead_counts),
    ('mart_mql_monthly', 'mql_monthly', {'mql_entries': 'mqls'}),
    ('mart_funnel_period', 'period', {'stage_entries': 'entries'}),
] %}
with

leads_out_of_scope as (select lead_id from {{ ref('int_lead_funnel_scope') }} where not is_in_funnel_scope),

stages_reached as (
    select * from {{ ref('int_lead_stages_reached') }} as scoped_rows
    where not exists (
            select 1 from leads_out_of_scope
            where leads_out_of_scope.lead_id = scoped_rows.lead_id
        )
),

mql_entries as (
    select * from {{ ref('int_mql_entries') }} as scoped_rows
    where not exists (
            select 1 from leads_out_of_scope
            where leads_out_of_scope.lead_id = scoped_rows.lead_id
        )
),

stage_history as (
    select * from {{ ref('fct_lead_stage_history') }} as scoped_rows
    where not exists (
            select 1 from leads_out_of_scope
            where leads_out_of_scope.lead_id = scoped_rows.lead_id
        )
),

cohort as (select * from {{ ref('mart_funnel_cohort') }}),

channel as (select * from {{ ref('mart_channel_performance') }}),

mql_monthly as (select * from {{ ref('mart_mql_monthly') }}),

period as (select * from {{ ref('mart_funnel_period') }}),

expected as (
    select
        count(*) as leads,
        count(case when reached_mql then 1 end) as mqls,
        count(case when reached_sql then 1 end) as sqls,
        count(case when reached_opportunity then 1 end) as opportunities,
        count(case when reached_customer then 1 end) as customers,
        (select count(*) from mql_entries) as mql_entries,
        (select count(*) from stage_history) as stage_entries
    from stages_reached
),

found as (
    {%- for model_name, relation, sums in marts %}
    {%- set columns = ["'" ~ model_name ~ "' as model_name"] %}
    {%- for count in counts %}
    {%- do columns.append(
        ('sum(' ~ sums[count] ~ ')' if count in sums else 'cast(null as ' ~ dbt.type_bigint() ~ ')')
        ~ ' as ' ~ count) %}
    {%- endfor %}
    select
        {{ columns | join(',\n        ') }}
    from {{ relation }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

{#- a mart is wrong where one of the counts it holds differs from the expected one -#}
{%- set wrong_counts = [] %}
{%- for model_name, relation, sums in marts %}
{%- set differences = [] %}
{%- for count in sums %}
{%- do differences.append('coalesce(found.' ~ count ~ ', 0) != expected.' ~ count) %}
{%- endfor %}
{%- do wrong_counts.append(
    "(found.model_name = '" ~ model_name ~ "' and (" ~ differences | join(' or ') ~ '))') %}
{%- endfor %}

final as (
    select
        found.*,
        expected.leads as expected_leads,
        expected.mql_entries as expected_mql_entries,
        expected.stage_entries as expected_stage_entries
    from found
    cross join expected
    where {{ wrong_counts | join('\n        or ') }}
)

select * from final
