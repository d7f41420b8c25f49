-- one row per SQL entry since qualification recording began (a lead qualified again after
-- recycling has one row per entry): which checklist criteria were known at that moment
-- (point in time: int_sql_qualification_criteria), known / required counts, whether the SQL
-- was complete (every required criterion known) and which criteria it missing, and whether
-- it went on to an opportunity (docs/definitions.md#the-sal-and-sql-qualification-checklist)
with

criteria_at_sql as (select * from {{ ref('int_sql_qualification_criteria') }}),

stage_entries as (select * from {{ ref('int_lead_stage_entries') }}),

leads as (select * from {{ ref('stg_leads') }}),

sql_entries as (
    select
        stage_entries.stage_entry_id as sql_entry_id,
        stage_entries.lead_id,
        stage_entries.entered_at as sql_entered_at,
        stage_entries.entry_number as sql_entry_number,
        stage_entries.owner_id,
        stage_entries.entry_sequence,
        -- the lead's next SQL entry: an opportunity after it belongs to that entry
        lead(stage_entries.entry_sequence) over (
            partition by stage_entries.lead_id
            order by stage_entries.entry_sequence
        ) as next_sql_entry_sequence
    from stage_entries
    where stage_entries.stage = 'sql'
),

-- the lead reached opportunity (entered opportunity or a later funnel stage) after this SQL
-- entry and before its next SQL entry
opportunity_after_sql as (
    select
        sql_entries.sql_entry_id,
        min(stage_entries.entered_at) as reached_opportunity_at
    from sql_entries
    inner join stage_entries
        on sql_entries.lead_id = stage_entries.lead_id
            and sql_entries.entry_sequence < stage_entries.entry_sequence
            and (
                sql_entries.next_sql_entry_sequence is null
                or sql_entries.next_sql_entry_sequence > stage_entries.entry_sequence
            )
    where stage_entries.stage in ({{ funnel_stages_from('opportunity') }})
    group by sql_entries.sql_entry_id
),

checklists as (
    select
        sql_entry_id,
        count(*) as criteria,
        sum(case when is_recorded then 1 else 0 end) as recorded_criteria,
        sum(case when is_known then 1 else 0 end) as known_criteria,
        sum(case when is_required then 1 else 0 end) as required_criteria,
        sum(case when is_required and is_known then 1 else 0 end) as required_known_criteria,
        sum(case when gates_stage = 'sal' and is_required and not is_known then 1 else 0 end) as missing_sal_criteria,
        sum(case when gates_stage = 'sql' and is_required and not is_known then 1 else 0 end) as missing_sql_criteria,
        {{ listagg_ordered(
            "case when is_known then criterion end", order_by='criterion_order'
        ) }} as known_criteria_list,
        {{ listagg_ordered(
            "case when is_required and not is_known then criterion end", order_by='criterion_order'
        ) }} as missing_criteria_list
    from criteria_at_sql
    group by sql_entry_id
),

final as (
    select
        sql_entries.sql_entry_id,
        sql_entries.lead_id,
        sql_entries.sql_entered_at,
        cast({{ dbt.date_trunc('month', 'sql_entries.sql_entered_at') }} as date) as sql_month,
        sql_entries.sql_entry_number,
        sql_entries.owner_id,
        leads.lead_source,
        checklists.criteria,
        checklists.recorded_criteria,
        checklists.known_criteria,
        checklists.required_criteria,
        checklists.required_known_criteria,
        checklists.required_criteria - checklists.required_known_criteria as missing_required_criteria,
        checklists.missing_sal_criteria,
        checklists.missing_sql_criteria,
        checklists.required_known_criteria = checklists.required_criteria as is_complete,
        checklists.known_criteria_list,
        checklists.missing_criteria_list,
        opportunity_after_sql.reached_opportunity_at is not null as reached_opportunity,
        opportunity_after_sql.reached_opportunity_at
    from sql_entries
    -- only the SQL entries the checklist covers (since recording began, in funnel scope)
    inner join checklists
        on sql_entries.sql_entry_id = checklists.sql_entry_id
    left join leads
        on sql_entries.lead_id = leads.lead_id
    left join opportunity_after_sql
        on sql_entries.sql_entry_id = opportunity_after_sql.sql_entry_id
)

select * from final
