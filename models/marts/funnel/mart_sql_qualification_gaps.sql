-- one row per SQL entry x required checklist criterion that was not known at the SQL moment:
-- the SQLs created with gaps and what each lacked (docs/definitions.md#the-sal-and-sql-qualification-checklist).
-- gap_kind says why: never recorded by then, recorded without an answer (unknown, n/a ...),
-- and known_later_at when a known answer came only after the SQL moment
with

criteria_at_sql as (select * from {{ ref('int_sql_qualification_criteria') }}),

sql_qualification as (select * from {{ ref('mart_sql_qualification') }}),

criteria as (select * from {{ ref('qualification_criteria') }}),

final as (
    select
        {{ dbt.concat(["criteria_at_sql.sql_entry_id", "'|'", "criteria_at_sql.criterion"]) }} as sql_gap_id,
        criteria_at_sql.sql_entry_id,
        criteria_at_sql.lead_id,
        criteria_at_sql.sql_entered_at,
        sql_qualification.sql_month,
        sql_qualification.owner_id,
        sql_qualification.lead_source,
        criteria_at_sql.criterion,
        criteria.label as criterion_label,
        criteria_at_sql.gates_stage,
        case
            when criteria_at_sql.is_recorded then 'recorded_unknown'
            else 'not_recorded'
        end as gap_kind,
        criteria_at_sql.value as value_at_sql,
        criteria_at_sql.known_later_at,
        sql_qualification.reached_opportunity
    from criteria_at_sql
    inner join sql_qualification
        on criteria_at_sql.sql_entry_id = sql_qualification.sql_entry_id
    inner join criteria
        on criteria_at_sql.criterion = criteria.criterion
    where criteria_at_sql.is_required
        and not criteria_at_sql.is_known
)

select * from final
