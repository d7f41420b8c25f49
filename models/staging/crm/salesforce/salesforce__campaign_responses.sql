-- one row per campaign response activity: a Salesforce campaign member who responded
-- (has_responded, or a member status Registered / Attended / Responded) gives one activity,
-- and a member whose status is Attended a second one when its campaign's type maps as
-- campaign_member_attended. The activity types follow the campaign's type (campaign.type)
-- through the seed crm_activity_types; it ships:
--   Webinar               -> webinar_registered at the response; + webinar_attended when the
--                            member status is Attended, at the member's last change (when
--                            the status was set: Salesforce keeps no member status history)
--   Trade Show/Conference -> trade_show_visit
--   Email                 -> email_click (a response to an email campaign is a click)
--   any other type        -> campaign_response (counted, 10 points in the demo rules)
-- A response happens at first_responded_date (a date) unless that is the day the member was
-- added or earlier, then at created_date (the exact time). Soft-deleted members and members
-- who never responded are not here (salesforce__excluded_rows).
with

members as ({{ crm_table('salesforce', 'campaign_member') }}),

campaigns as ({{ crm_table('salesforce', 'campaign') }}),

people as (select * from {{ ref('salesforce__people') }}),

activity_type_rules as (select * from {{ ref('crm_activity_types') }}),

responded_members as (
    select
        members.id as member_id,
        members.lead_id as member_lead_id,
        members.contact_id as member_contact_id,
        members.status as member_status,
        lower(trim(members.status)) as status_key,
        {{ crm_kind_key('campaigns.type') }} as campaign_type_key,
        campaigns.name as campaign_name,
        campaigns.type as campaign_type,
        case
            -- first_responded_date is a date: a later day than the member was added says when
            when
                members.first_responded_date is not null
                and substring(members.first_responded_date, 1, 10) > substring(members.created_date, 1, 10)
                then members.first_responded_date
            else members.created_date
        end as responded_at,
        members.last_modified_date
    from members
    left join campaigns
        on members.campaign_id = campaigns.id
    where
        not {{ crm_is_true('members.is_deleted') }}
        and (
            {{ crm_is_true('members.has_responded') }}
            or lower(trim(members.status)) in ('registered', 'attended', 'responded')
        )
),

-- the activity types of the campaign types (a member of an unknown campaign: '')
campaign_kinds as (
    select distinct campaign_type_key
    from responded_members
),

response_types as (
    {{ crm_activity_types_of('salesforce', 'campaign_member', 'campaign_kinds', ['campaign_type_key']) }}
),

attended_types as (
    {{ crm_activity_types_of('salesforce', 'campaign_member_attended', 'campaign_kinds', ['campaign_type_key']) }}
),

-- the lead: by the member's lead id, else by its contact id (a converted lead's contact);
-- an id naming no kept lead is passed on as it is (staging rejects it as unknown_lead)
with_lead as (
    select
        responded_members.*,
        coalesce(
            by_lead.lead_id, by_contact.lead_id,
            responded_members.member_lead_id, responded_members.member_contact_id
        ) as lead_id
    from responded_members
    left join people as by_lead
        on responded_members.member_lead_id = by_lead.person_id
    left join people as by_contact
        on responded_members.member_contact_id = by_contact.person_id
),

responses as (
    select
        {{ dbt.concat(['with_lead.member_id', "':response'"]) }} as activity_id,
        with_lead.lead_id,
        response_types.activity_type,
        with_lead.responded_at as occurred_at,
        with_lead.campaign_name,
        with_lead.campaign_type,
        with_lead.member_status,
        with_lead.member_id,
        false as is_attendance
    from with_lead
    inner join response_types
        on with_lead.campaign_type_key = response_types.campaign_type_key
    union all
    select
        {{ dbt.concat(['with_lead.member_id', "':attended'"]) }} as activity_id,
        with_lead.lead_id,
        attended_types.activity_type,
        coalesce(with_lead.last_modified_date, with_lead.responded_at) as occurred_at,
        with_lead.campaign_name,
        with_lead.campaign_type,
        with_lead.member_status,
        with_lead.member_id,
        true as is_attendance
    from with_lead
    inner join attended_types
        on with_lead.campaign_type_key = attended_types.campaign_type_key
    where with_lead.status_key = 'attended'
),

final as (
    select
        activity_id,
        member_id,
        lead_id,
        activity_type,
        occurred_at,
        campaign_name,
        campaign_type,
        member_status,
        is_attendance
    from responses
)

select * from final
