-- one row per valid source qualification record, flagged with whether its lead is a valid
-- lead (records of unknown leads are rejected as unknown_lead in dq_rejected_rows)
with

qualifications as (select * from {{ ref('stg_qualifications') }}),

leads as (select lead_id from {{ ref('stg_leads') }}),

final as (
    select
        qualifications.qualification_id,
        qualifications.lead_id,
        qualifications.owner_id,
        qualifications.criterion,
        qualifications.value,
        qualifications.recorded_at,
        leads.lead_id is not null as has_known_lead
    from qualifications
    left join leads
        on qualifications.lead_id = leads.lead_id
)

select * from final
