-- one row per HubSpot row that is a stage change of a contact, before soft deletes are taken
-- out: the raw `stage_changes` columns (as text), the source table (landing_file) and why
-- the row is left out (exclusion_reason: soft_deleted for a row of a deleted contact or
-- deal; null for a row passed on). From
--   - contact_property_history: the lifecycle stage (lifecyclestage) and the lead status
--     (hs_lead_status) a contact was set to: id <contact_id>-<property>-<timestamp>;
--   - deal_stage: the stages a deal entered, on the contact the deal is credited to
--     (stg_hubspot__deals): id <deal_id>-<stage id>-<date entered>.
-- The stage column carries the label the mapping seed (stage_mapping) maps: the lifecycle
-- stage or lead status value as HubSpot stores it; for a deal: customer (closed won), lost
-- (closed, not won) or opportunity (any open stage), read from deal_pipeline_stage. A deal
-- left with no contact that is not deleted passes its entries on without a lead (staging
-- rejects them as unknown_lead, so dq_rejected_rows names them).
with

property_history as (
    {{ crm_table('hubspot', 'contact_property_history') }}
),

deal_stages as (
    {{ crm_table('hubspot', 'deal_stage') }}
),

pipeline_stages as (
    {{ crm_table('hubspot', 'deal_pipeline_stage') }}
),

deal_contacts as (
    {{ crm_table('hubspot', 'deal_contact') }}
),

contacts as (select * from {{ ref('stg_hubspot__contacts') }}),

deals as (select * from {{ ref('stg_hubspot__deals') }}),

stage_mapping as (
    select
        lower(trim(source_label)) as source_label,
        stage
    from {{ ref('stage_mapping') }}
),

-- contacts a deal that is not deleted is associated with (credited or not): their deal
-- stages come from the deals, so their lifecycle stages that map to opportunity, customer
-- or lost (HubSpot sets them from the deal) are not entries of their own
contacts_with_deals as (
    select distinct {{ clean_text('deal_contacts.contact_id') }} as contact_id
    from deal_contacts
    inner join deals
        on {{ clean_text('deal_contacts.deal_id') }} = deals.deal_id
    where not deals.is_deleted
),

property_changes as (
    select
        {{ clean_text('contact_id') }} as contact_id,
        lower({{ clean_text('name') }}) as property_name,
        {{ clean_text('value') }} as property_value,
        {{ clean_text(adapter.quote('timestamp')) }} as changed_at_text,
        {{ parse_timestamp_utc(clean_text(adapter.quote('timestamp'))) }} as changed_at
    from property_history
    where lower({{ clean_text('name') }}) in ('lifecyclestage', 'hs_lead_status')
),

-- a change is a new value: a row that sets the value the property already had is no change;
-- a cleared value (HubSpot clears the lifecycle stage to move it backwards) enters no stage
property_sequenced as (
    select
        *,
        lag(property_value) over (
            partition by contact_id, property_name
            order by changed_at, changed_at_text
        ) as previous_value
    from property_changes
),

contact_stage_changes as (
    select
        {{ dbt.concat(['property_sequenced.contact_id', "'-'", 'property_sequenced.property_name', "'-'",
            'property_sequenced.changed_at_text']) }} as change_id,
        property_sequenced.contact_id as lead_id,
        property_sequenced.property_value as stage,
        property_sequenced.changed_at_text as changed_at,
        -- a lead status is set by the contact's rep; a lifecycle stage mostly by automation
        case when property_sequenced.property_name = 'hs_lead_status' then contacts.owner_id end as owner_id,
        cast(null as {{ dbt.type_string() }}) as reason,
        cast(null as {{ dbt.type_string() }}) as amount,
        'hubspot.contact_property_history' as landing_file,
        coalesce(contacts.is_deleted, false) as is_deleted
    from property_sequenced
    left join contacts
        on property_sequenced.contact_id = contacts.contact_id
    left join stage_mapping
        on lower(property_sequenced.property_value) = stage_mapping.source_label
    left join contacts_with_deals
        on property_sequenced.contact_id = contacts_with_deals.contact_id
    where property_sequenced.property_value is not null
        and (
            property_sequenced.previous_value is null
            or property_sequenced.previous_value != property_sequenced.property_value
        )
        -- lead statuses that say no more than the lifecycle stage or the deal do: new and
        -- open (a lead), open deal (the deal's own stages)
        and not (
            property_sequenced.property_name = 'hs_lead_status'
            and upper(property_sequenced.property_value) in ('NEW', 'OPEN', 'OPEN_DEAL')
        )
        and not (
            contacts_with_deals.contact_id is not null
            and property_sequenced.property_name = 'lifecyclestage'
            and stage_mapping.stage in ('opportunity', 'customer', 'lost')
        )
),

pipeline_stage_flags as (
    select
        {{ clean_text('stage_id') }} as stage_id,
        {{ crm_is_true('closed_won') }} as is_closed_won,
        -- is_closed is missing from older syncs: a stage at probability 0 is then closed
        case
            when {{ crm_is_true('closed_won') }} then true
            when {{ clean_text('is_closed') }} is not null then {{ crm_is_true('is_closed') }}
            else coalesce({{ try_cast_number(clean_text('probability'), type_double()) }} = 0, false)
        end as is_closed
    from pipeline_stages
    where not {{ crm_is_true('_fivetran_deleted') }}
),

deal_stage_changes as (
    select
        {{ dbt.concat([clean_text('deal_stages.deal_id'), "'-'", clean_text('deal_stages.value'), "'-'",
            clean_text('deal_stages.date_entered')]) }} as change_id,
        deals.contact_id as lead_id,
        case
            -- a stage the pipeline table does not describe: its id, for the mapping seed
            when pipeline_stage_flags.stage_id is null then {{ clean_text('deal_stages.value') }}
            when pipeline_stage_flags.is_closed_won then 'customer'
            when pipeline_stage_flags.is_closed then 'lost'
            else 'opportunity'
        end as stage,
        {{ clean_text('deal_stages.date_entered') }} as changed_at,
        deals.owner_id,
        case
            when pipeline_stage_flags.is_closed and not pipeline_stage_flags.is_closed_won
                then deals.closed_lost_reason
        end as reason,
        -- the deal's current amount on each of its entries (its amount history is not read)
        deals.amount,
        'hubspot.deal_stage' as landing_file,
        deals.is_deleted
    from deal_stages
    inner join deals
        on {{ clean_text('deal_stages.deal_id') }} = deals.deal_id
    left join pipeline_stage_flags
        on {{ clean_text('deal_stages.value') }} = pipeline_stage_flags.stage_id
),

final as (
    select
        change_id,
        lead_id,
        stage,
        changed_at,
        owner_id,
        reason,
        amount,
        landing_file,
        case when is_deleted then 'soft_deleted' end as exclusion_reason
    from contact_stage_changes
    union all
    select
        change_id,
        lead_id,
        stage,
        changed_at,
        owner_id,
        reason,
        amount,
        landing_file,
        case when is_deleted then 'soft_deleted' end as exclusion_reason
    from deal_stage_changes
)

select * from final
