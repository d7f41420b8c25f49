-- one row per SQL entry x checklist criterion (seeds/config/qualification_criteria.csv): the
-- answer that stood at the SQL moment (the latest recorded at or before it; point in time,
-- so an answer recorded later never counts), whether it was known, and when a known answer
-- was first recorded after the moment (the gap was filled later). Only the SQL entries since
-- qualification recording began (the first valid qualification record): with no records
-- (the optional table absent) there are none, and an SQL from before the checklist was in
-- use is not shown as a gap (docs/definitions.md#the-sal-and-sql-qualification-checklist)
with

-- the leads the funnel leaves out (int_lead_funnel_scope)
leads_out_of_scope as (select lead_id from {{ ref('int_lead_funnel_scope') }} where not is_in_funnel_scope),

stage_entries as (select * from {{ ref('int_lead_stage_entries') }}),

criteria as (select * from {{ ref('qualification_criteria') }}),

qualifications as (
    select * from {{ ref('int_qualifications_lead_checked') }}
    where has_known_lead
),

recording_start as (
    select min(recorded_at) as first_recorded_at
    from qualifications
),

sql_entries as (
    select
        stage_entries.stage_entry_id as sql_entry_id,
        stage_entries.lead_id,
        stage_entries.entered_at as sql_entered_at
    from stage_entries
    inner join recording_start
        on stage_entries.entered_at >= recording_start.first_recorded_at
    where stage_entries.stage = 'sql'
        and not exists (
            select 1 from leads_out_of_scope
            where leads_out_of_scope.lead_id = stage_entries.lead_id
        )
),

checklist as (
    select
        sql_entries.sql_entry_id,
        sql_entries.lead_id,
        sql_entries.sql_entered_at,
        criteria.criterion,
        criteria.gates_stage,
        criteria.is_required,
        criteria.criterion_order
    from sql_entries
    cross join criteria
),

-- every answer to the criterion recorded at or before the SQL moment, the latest first (a
-- tie on recorded_at: the greater qualification_id, so the choice is deterministic)
answers_at_moment as (
    select
        checklist.sql_entry_id,
        checklist.criterion,
        qualifications.qualification_id,
        qualifications.value,
        qualifications.recorded_at,
        qualifications.owner_id,
        row_number() over (
            partition by checklist.sql_entry_id, checklist.criterion
            order by qualifications.recorded_at desc, qualifications.qualification_id desc
        ) as answer_rank
    from checklist
    inner join qualifications
        on checklist.lead_id = qualifications.lead_id
            and checklist.criterion = qualifications.criterion
            and checklist.sql_entered_at >= qualifications.recorded_at
),

-- the first known answer recorded after the SQL moment (the gap filled later)
known_later as (
    select
        checklist.sql_entry_id,
        checklist.criterion,
        min(qualifications.recorded_at) as known_later_at
    from checklist
    inner join qualifications
        on checklist.lead_id = qualifications.lead_id
            and checklist.criterion = qualifications.criterion
            and checklist.sql_entered_at < qualifications.recorded_at
    where {{ qualification_value_is_known('qualifications.value') }}
    group by checklist.sql_entry_id, checklist.criterion
),

final as (
    select
        checklist.sql_entry_id,
        checklist.lead_id,
        checklist.sql_entered_at,
        checklist.criterion,
        checklist.gates_stage,
        checklist.is_required,
        checklist.criterion_order,
        answers.qualification_id,
        answers.value,
        answers.recorded_at,
        answers.owner_id as recorded_by,
        answers.qualification_id is not null as is_recorded,
        coalesce({{ qualification_value_is_known('answers.value') }}, false) as is_known,
        known_later.known_later_at
    from checklist
    left join answers_at_moment as answers
        on checklist.sql_entry_id = answers.sql_entry_id
            and checklist.criterion = answers.criterion
            and answers.answer_rank = 1
    left join known_later
        on checklist.sql_entry_id = known_later.sql_entry_id
            and checklist.criterion = known_later.criterion
)

select * from final
