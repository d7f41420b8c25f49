{#- The HubSpot adapter's connector tables (Fivetran's HubSpot connector, table and column
    names as it syncs them; docs/definitions.md#hubspot): the columns the adapter reads, and
    whether a table may be absent (it then reads as empty). Every other column of these
    tables, and every other table, is ignored. crm_table('hubspot', <table>) reads them. -#}
{% macro hubspot_tables() -%}
    {%- set tables_yaml -%}
contact:
  columns: [id, _fivetran_deleted, property_email, property_firstname, property_lastname,
            property_jobtitle, property_phone, property_company, property_numemployees,
            property_industry, property_country, property_hs_analytics_source,
            property_createdate, property_hubspot_owner_id]
contact_property_history:
  columns: [contact_id, name, value, timestamp]
owner:
  optional: true
  columns: [owner_id, email, first_name, last_name]
engagement_contact:
  optional: true
  columns: [engagement_id, contact_id]
engagement_call:
  optional: true
  columns: [engagement_id, _fivetran_deleted, property_hs_timestamp, property_hubspot_owner_id,
            property_hs_call_title, property_hs_call_duration]
engagement_email:
  optional: true
  columns: [engagement_id, _fivetran_deleted, type, property_hs_email_direction,
            property_hs_timestamp, property_hubspot_owner_id, property_hs_email_subject]
engagement_meeting:
  optional: true
  columns: [engagement_id, _fivetran_deleted, property_hs_timestamp, property_hubspot_owner_id,
            property_hs_meeting_title, property_hs_meeting_start_time,
            property_hs_meeting_end_time, property_hs_meeting_outcome]
email_event:
  optional: true
  columns: [id, type, created, recipient, email_campaign_id, filtered_event]
email_campaign:
  optional: true
  columns: [id, name]
contact_form_submission:
  optional: true
  columns: [contact_id, form_id, conversion_id, page_url, title, timestamp]
form:
  optional: true
  columns: [guid, name]
deal:
  optional: true
  columns: [deal_id, is_deleted, _fivetran_deleted, owner_id, property_amount,
            property_closed_lost_reason]
deal_contact:
  optional: true
  columns: [deal_id, contact_id]
deal_stage:
  optional: true
  columns: [deal_id, value, date_entered]
deal_pipeline_stage:
  optional: true
  columns: [stage_id, closed_won, is_closed, probability, _fivetran_deleted]
    {%- endset -%}
    {{ return(fromyaml(tables_yaml)) }}
{%- endmacro %}
