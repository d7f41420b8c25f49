-- one row per campaign response activity: a Salesforce campaign member who responded
-- (has_responded, or a member status Registered / Attended / Responded) gives one activity,
-- and an Attended member of a webinar two (registered, then attended). The activity type
-- follows the campaign's type (campaign.type):
--   Webinar               -> webinar_registered at the response; + webinar_attended when the
--                            member status is Attended, at the member's last change (when
--                            the status was set: Salesforce keeps no member status history)
--   Trade Show/Conference -> trade_show_visit
--   Email                 -> email_click (a response to an email campaign is a click)
--   any other type        -> campaign_response (no scoring rule: counted, not scored)
-- A response happens at first_responded_date (a date) unless that is the day the member was
-- added or earlier, then at created_date (the exact time). Soft-deleted members and members
-- who never responded are not here (salesforce__excluded_rows).
with

members as ({{ crm_table('salesforce', 'campaign_member') }}),

campaigns as ({{ crm_table('salesforce', 'campaign') }}),

people as (select * from {{ ref('salesforce__people') }}),

responded_members as (
    select
        members.id as member_id,
        members.lead_id as member_lead_id,
        members.contact_id as member_contact_id,
        members.status as member_status,
        lower(trim(members.status)) as status_key,
        lower(trim(campaigns.type)) as campaign_type_key,
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
        {{ dbt.concat(['member_id', "':response'"]) }} as activity_id,
        lead_id,
        case
            when campaign_type_key = 'webinar' then 'webinar_registered'
            when campaign_type_key in ('trade show', 'conference') then 'trade_show_visit'
            when campaign_type_key = 'email' then 'email_click'
            else 'campaign_response'
        end as activity_type,
        responded_at as occurred_at,
        campaign_name,
        campaign_type,
        member_status,
        member_id
    from with_lead
    union all
    select
        {{ dbt.concat(['member_id', "':attended'"]) }} as activity_id,
        lead_id,
        'webinar_attended' as activity_type,
        coalesce(last_modified_date, responded_at) as occurred_at,
        campaign_name,
        campaign_type,
        member_status,
        member_id
    from with_lead
    where campaign_type_key = 'webinar' and status_key = 'attended'
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
        member_status
    from responses
)

select * from final
