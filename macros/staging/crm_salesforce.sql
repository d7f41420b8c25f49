{#- The Salesforce connector tables the Salesforce adapter reads (Fivetran's names: lower snake
    case), with the columns it reads from each; every other column is ignored. crm_table()
    reads them as text; a listed column a table lacks reads null. Only `lead` is required:
    without task / event there are no sales touches, without campaign_member no campaign
    responses, without lead_history only each lead's current status, without opportunity /
    opportunity_history no deals (docs/definitions.md#salesforce). -#}
{% macro salesforce_tables() -%}
    {{ return({
        'lead': {'optional': false, 'columns': [
            'id', 'created_date', 'email', 'first_name', 'last_name', 'title', 'phone',
            'company', 'number_of_employees', 'industry', 'country', 'lead_source', 'status',
            'owner_id', 'is_deleted', 'master_record_id', 'converted_contact_id',
            'converted_opportunity_id']},
        'task': {'optional': true, 'columns': [
            'id', 'who_id', 'owner_id', 'type', 'task_subtype', 'subject', 'activity_date',
            'created_date', 'call_duration_in_seconds', 'is_deleted']},
        'event': {'optional': true, 'columns': [
            'id', 'who_id', 'owner_id', 'type', 'subject', 'activity_date_time',
            'activity_date', 'created_date', 'duration_in_minutes', 'is_deleted']},
        'campaign_member': {'optional': true, 'columns': [
            'id', 'campaign_id', 'lead_id', 'contact_id', 'status', 'has_responded',
            'first_responded_date', 'created_date', 'last_modified_date', 'is_deleted']},
        'campaign': {'optional': true, 'columns': ['id', 'name', 'type', 'is_deleted']},
        'lead_history': {'optional': true, 'columns': [
            'id', 'lead_id', 'field', 'old_value', 'new_value', 'created_date',
            'created_by_id', 'is_deleted']},
        'opportunity': {'optional': true, 'columns': [
            'id', 'stage_name', 'amount', 'is_closed', 'created_date', 'close_date',
            'is_deleted']},
        'opportunity_history': {'optional': true, 'columns': [
            'id', 'opportunity_id', 'stage_name', 'amount', 'created_date', 'created_by_id',
            'is_deleted']},
        'user': {'optional': true, 'columns': [
            'id', 'name', 'first_name', 'last_name', 'email']},
    }) }}
{%- endmacro %}
