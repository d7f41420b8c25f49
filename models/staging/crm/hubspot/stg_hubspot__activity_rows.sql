-- one row per HubSpot row that is an activity of a contact, before soft deletes are taken
-- out: the raw `activities` columns (as text; the duration as a number), the source table (landing_file) and why the
-- row is left out (exclusion_reason, null for a row that is passed on). From
--   - calls, sales emails and held meetings (engagement_call / _email / _meeting): one row
--     per engagement and associated contact (engagement_contact), id <engagement_id>-<contact_id>;
--   - marketing email opens, clicks and bounces (email_event), matched to the contact by
--     email address: id = the event id;
--   - form submissions (contact_form_submission): id = the conversion id.
-- Activity types come from the seed crm_activity_types (sources engagement: CALL, EMAIL,
-- MEETING; email_event: the event type; contact_form_submission: the form's name); a kind
-- it does not map is no activity.
-- Left out (soft_deleted): a deleted engagement, and every row of a deleted contact. A row
-- whose contact is unknown (no contact has that id or that email) is passed on without a
-- known lead, so staging rejects it as unknown_lead and dq_rejected_rows names it.
with

engagement_contacts as (
    {{ crm_table('hubspot', 'engagement_contact') }}
),

calls as (
    {{ crm_table('hubspot', 'engagement_call') }}
),

emails as (
    {{ crm_table('hubspot', 'engagement_email') }}
),

meetings as (
    {{ crm_table('hubspot', 'engagement_meeting') }}
),

email_events as (
    {{ crm_table('hubspot', 'email_event') }}
),

email_campaigns as (
    {{ crm_table('hubspot', 'email_campaign') }}
),

form_submissions as (
    {{ crm_table('hubspot', 'contact_form_submission') }}
),

forms as (
    {{ crm_table('hubspot', 'form') }}
),

contacts as (select * from {{ ref('stg_hubspot__contacts') }}),

activity_type_rules as (select * from {{ ref('crm_activity_types') }}),

-- the contact an email address belongs to: the earliest created contact that is not
-- deleted (HubSpot keeps emails unique, so this only matters for odd data), else a deleted
-- one (the event is then left out with it)
email_contacts as (
    select
        email_key,
        contact_id,
        is_deleted
    from (
        select
            email_key,
            contact_id,
            is_deleted,
            row_number() over (
                partition by email_key
                order by case when is_deleted then 1 else 0 end, created_at, contact_id
            ) as email_rank
        from contacts
        where email_key is not null
    ) as ranked
    where email_rank = 1
),

-- sales touches: every call; emails a rep sent (direction EMAIL: a reply received or a
-- forward is not a touch); meetings that were held (no-shows and cancelled ones were not)
engagements as (
    select
        {{ clean_text('engagement_id') }} as engagement_id,
        {{ crm_is_true('_fivetran_deleted') }} as is_deleted,
        'CALL' as engagement_type,
        {{ clean_text('property_hs_timestamp') }} as occurred_at,
        {{ clean_text('property_hubspot_owner_id') }} as owner_id,
        {{ clean_text('property_hs_call_title') }} as detail,
        -- HubSpot stores a call's duration in milliseconds
        {{ try_cast_number(clean_text('property_hs_call_duration'), type_double()) }} / 1000.0 as duration_seconds,
        'hubspot.engagement_call' as landing_file
    from calls
    union all
    select
        {{ clean_text('engagement_id') }} as engagement_id,
        {{ crm_is_true('_fivetran_deleted') }} as is_deleted,
        'EMAIL' as engagement_type,
        {{ clean_text('property_hs_timestamp') }} as occurred_at,
        {{ clean_text('property_hubspot_owner_id') }} as owner_id,
        {{ clean_text('property_hs_email_subject') }} as detail,
        cast(null as {{ type_double() }}) as duration_seconds,
        'hubspot.engagement_email' as landing_file
    from emails
    where upper(coalesce({{ clean_text('property_hs_email_direction') }}, {{ clean_text('type') }}, 'EMAIL')) = 'EMAIL'
    union all
    select
        {{ clean_text('engagement_id') }} as engagement_id,
        {{ crm_is_true('_fivetran_deleted') }} as is_deleted,
        'MEETING' as engagement_type,
        coalesce(
            {{ clean_text('property_hs_meeting_start_time') }}, {{ clean_text('property_hs_timestamp') }}
        ) as occurred_at,
        {{ clean_text('property_hubspot_owner_id') }} as owner_id,
        {{ clean_text('property_hs_meeting_title') }} as detail,
        -- the scheduled length, end minus start (none when either is missing or out of order)
        {%- set meeting_start = parse_timestamp_utc(clean_text('property_hs_meeting_start_time')) %}
        {%- set meeting_end = parse_timestamp_utc(clean_text('property_hs_meeting_end_time')) %}
        case
            when {{ meeting_end }} >= {{ meeting_start }}
                then {{ epoch_seconds(meeting_end) }} - {{ epoch_seconds(meeting_start) }}
        end as duration_seconds,
        'hubspot.engagement_meeting' as landing_file
    from meetings
    where coalesce(upper({{ clean_text('property_hs_meeting_outcome') }}), 'COMPLETED')
        not in ('NO_SHOW', 'CANCELED', 'CANCELLED')
),

engagement_kinds as (
    select distinct {{ crm_kind_key('engagement_type') }} as type_key
    from engagements
),

engagement_types as (
    {{ crm_activity_types_of('hubspot', 'engagement', 'engagement_kinds', ['type_key']) }}
),

engagement_activities as (
    select distinct
        {%- set contact_id = clean_text('engagement_contacts.contact_id') %}
        {{ dbt.concat(['engagements.engagement_id', "'-'", contact_id]) }} as activity_id,
        {{ clean_text('engagement_contacts.contact_id') }} as lead_id,
        engagement_types.activity_type,
        engagements.occurred_at,
        engagements.owner_id,
        cast(null as {{ dbt.type_string() }}) as campaign,
        engagements.detail,
        engagements.duration_seconds,
        engagements.landing_file,
        engagements.is_deleted or coalesce(contacts.is_deleted, false) as is_deleted
    from engagements
    inner join engagement_types
        on {{ crm_kind_key('engagements.engagement_type') }} = engagement_types.type_key
    inner join engagement_contacts
        on engagements.engagement_id = {{ clean_text('engagement_contacts.engagement_id') }}
    left join contacts
        on {{ clean_text('engagement_contacts.contact_id') }} = contacts.contact_id
),

-- marketing email engagement: the event types the seed maps (opens, clicks and bounces);
-- HubSpot's filtered events (bots, link scanners: filtered_event) are no engagement; sent,
-- delivered and the other event types are no activity
email_event_kinds as (
    select distinct {{ crm_kind_key(clean_text('type')) }} as type_key
    from email_events
),

email_event_types as (
    {{ crm_activity_types_of('hubspot', 'email_event', 'email_event_kinds', ['type_key']) }}
),

email_activities as (
    select
        {{ clean_text('email_events.id') }} as activity_id,
        email_contacts.contact_id as lead_id,
        email_event_types.activity_type,
        {{ clean_text('email_events.created') }} as occurred_at,
        cast(null as {{ dbt.type_string() }}) as owner_id,
        coalesce(
            {{ clean_text('email_campaigns.name') }}, {{ clean_text('email_events.email_campaign_id') }}
        ) as campaign,
        cast(null as {{ dbt.type_string() }}) as detail,
        cast(null as {{ type_double() }}) as duration_seconds,
        'hubspot.email_event' as landing_file,
        coalesce(email_contacts.is_deleted, false) as is_deleted
    from email_events
    inner join email_event_types
        on {{ crm_kind_key(clean_text('email_events.type')) }} = email_event_types.type_key
    left join email_contacts
        on lower({{ clean_text('email_events.recipient') }}) = email_contacts.email_key
    left join email_campaigns
        on {{ clean_text('email_events.email_campaign_id') }} = {{ clean_text('email_campaigns.id') }}
    where not {{ crm_is_true('email_events.filtered_event') }}
),

-- form submissions, typed by the form's name (else the page title): HubSpot does not say
-- what a form is for, so the words of its name decide (the seed's `contains` rows)
form_rows as (
    select
        coalesce(
            {{ clean_text('form_submissions.conversion_id') }},
            {{ dbt.concat([clean_text('form_submissions.contact_id'), "'-'",
                clean_text('form_submissions.form_id'), "'-'",
                clean_text('form_submissions.' ~ adapter.quote('timestamp'))]) }}
        ) as activity_id,
        {{ clean_text('form_submissions.contact_id') }} as lead_id,
        {{ crm_kind_key('coalesce(' ~ clean_text('forms.name') ~ ', '
            ~ clean_text('form_submissions.title') ~ ')') }} as form_key,
        {{ clean_text('form_submissions.' ~ adapter.quote('timestamp')) }} as occurred_at,
        coalesce({{ clean_text('forms.name') }}, {{ clean_text('form_submissions.page_url') }}) as detail,
        coalesce(contacts.is_deleted, false) as is_deleted
    from form_submissions
    left join forms
        on {{ clean_text('form_submissions.form_id') }} = {{ clean_text('forms.guid') }}
    left join contacts
        on {{ clean_text('form_submissions.contact_id') }} = contacts.contact_id
),

form_kinds as (
    select distinct form_key
    from form_rows
),

form_types as (
    {{ crm_activity_types_of('hubspot', 'contact_form_submission', 'form_kinds', ['form_key']) }}
),

form_activities as (
    select
        form_rows.activity_id,
        form_rows.lead_id,
        form_types.activity_type,
        form_rows.occurred_at,
        cast(null as {{ dbt.type_string() }}) as owner_id,
        cast(null as {{ dbt.type_string() }}) as campaign,
        form_rows.detail,
        cast(null as {{ type_double() }}) as duration_seconds,
        'hubspot.contact_form_submission' as landing_file,
        form_rows.is_deleted
    from form_rows
    inner join form_types
        on form_rows.form_key = form_types.form_key
),

activities as (
    select * from engagement_activities
    union all
    select * from email_activities
    union all
    select * from form_activities
),

final as (
    select
        -- ids
        activity_id,
        lead_id,
        owner_id,

        -- strings (raw contract columns as text, but the duration)
        activity_type,
        occurred_at,
        campaign,
        detail,
        landing_file,
        case when is_deleted then 'soft_deleted' end as exclusion_reason,

        -- numerics (hubspot__activities passes it on as text, like every raw column)
        duration_seconds
    from activities
)

select * from final
