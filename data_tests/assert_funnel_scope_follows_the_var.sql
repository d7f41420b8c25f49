-- int_lead_funnel_scope leaves a lead out of the funnel's scope exactly when the var
-- funnel_exclude_existing_customer_leads is true and the lead is an existing customer's at
-- creation; every row returned breaks that. A test of its own (not an expression_is_true in
-- the model's YAML) because it reads a var: the model's column_rules test checks only rules
-- without Jinja.
{%- set excluding = 'true' if var('funnel_exclude_existing_customer_leads', false) else 'false' %}
with

funnel_scope as (select * from {{ ref('int_lead_funnel_scope') }})

select
    lead_id,
    is_existing_customer_at_creation,
    is_in_funnel_scope
from funnel_scope
where is_in_funnel_scope = ({{ excluding }} and is_existing_customer_at_creation)
