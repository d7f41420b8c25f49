-- one row per Salesforce stage change as a raw `stage_changes` row (the raw contract's
-- columns, text) plus landing_file naming the source table. The stage is the label as
-- Salesforce writes it; seeds/config/stage_mapping.csv maps it. Three parts:
--   1. lead status changes: lead_history rows of field Status (new_value at created_date,
--      by created_by_id), not soft-deleted;
--   2. each kept lead's status when it was created, at lead.created_date: the first status
--      change's old_value, or the lead's current status when it has no status change (no
--      field history, or none yet);
--   3. the stages of the opportunity a lead was converted into
--      (lead.converted_opportunity_id): opportunity_history rows (stage_name, amount), a run
--      of rows in one stage (amount or close date edits) being one entry at the run's first
--      row with the run's last amount given; an opportunity without history rows gives one
--      entry, its current stage at close_date when closed, else at created_date. Soft-deleted
--      opportunities and history rows are left out.
with

leads as ({{ crm_table('salesforce', 'lead') }}),

lead_history as ({{ crm_table('salesforce', 'lead_history') }}),

opportunities as ({{ crm_table('salesforce', 'opportunity') }}),

opportunity_history as ({{ crm_table('salesforce', 'opportunity_history') }}),

kept_leads as (
    select
        id as lead_id,
        created_date,
        status,
        converted_opportunity_id,
        {{ parse_timestamp_utc('created_date') }} as created_at
    from leads
    where not {{ crm_is_true('is_deleted') }} and id is not null
),

status_changes as (
    select
        id as change_id,
        lead_id,
        old_value,
        new_value,
        created_date,
        created_by_id,
        row_number() over (
            partition by lead_id
            order by {{ parse_timestamp_utc('created_date') }}, id
        ) as change_number
    from lead_history
    where lower(trim(field)) = 'status' and not {{ crm_is_true('is_deleted') }}
),

-- 1. the status changes
status_entries as (
    select
        change_id,
        lead_id,
        new_value as stage,
        created_date as changed_at,
        created_by_id as owner_id,
        cast(null as {{ dbt.type_string() }}) as amount,
        'salesforce.lead_history' as landing_file
    from status_changes
),

-- 2. the status each kept lead was created in
created_entries as (
    select
        {{ dbt.concat(['kept_leads.lead_id', "':created'"]) }} as change_id,
        kept_leads.lead_id,
        case
            when first_changes.lead_id is null then kept_leads.status
            else first_changes.old_value
        end as stage,
        kept_leads.created_date as changed_at,
        cast(null as {{ dbt.type_string() }}) as owner_id,
        cast(null as {{ dbt.type_string() }}) as amount,
        'salesforce.lead' as landing_file
    from kept_leads
    left join status_changes as first_changes
        on kept_leads.lead_id = first_changes.lead_id and first_changes.change_number = 1
),

-- 3. the converted leads' opportunities (a deal several leads were converted into counts for
-- the earliest created of them)
converted_opportunities as (
    select
        opportunities.id as opportunity_id,
        opportunities.stage_name,
        opportunities.amount,
        case
            when {{ crm_is_true('opportunities.is_closed') }}
                then coalesce(opportunities.close_date, opportunities.created_date)
            else opportunities.created_date
        end as current_stage_at,
        kept_leads.lead_id,
        row_number() over (
            partition by opportunities.id order by kept_leads.created_at, kept_leads.lead_id
        ) as lead_rank
    from opportunities
    inner join kept_leads
        on opportunities.id = kept_leads.converted_opportunity_id
    where not {{ crm_is_true('opportunities.is_deleted') }}
),

opportunity_rows as (
    select
        opportunity_history.id as change_id,
        opportunity_history.opportunity_id,
        opportunity_history.stage_name,
        opportunity_history.amount,
        opportunity_history.created_date,
        opportunity_history.created_by_id,
        {{ parse_timestamp_utc('opportunity_history.created_date') }} as created_at
    from opportunity_history
    where not {{ crm_is_true('opportunity_history.is_deleted') }}
),

-- runs of consecutive rows in one stage: a new run starts where the stage differs from the
-- previous row's
opportunity_rows_marked as (
    select
        opportunity_rows.*,
        case
            when
                lag(opportunity_rows.stage_name)
                    over (
                        partition by opportunity_rows.opportunity_id
                        order by opportunity_rows.created_at, opportunity_rows.change_id
                    )
                = opportunity_rows.stage_name
                then 0
            else 1
        end as starts_run
    from opportunity_rows
),

opportunity_runs_numbered as (
    select
        opportunity_rows_marked.*,
        sum(opportunity_rows_marked.starts_run) over (
            partition by opportunity_rows_marked.opportunity_id
            order by opportunity_rows_marked.created_at, opportunity_rows_marked.change_id
            rows between unbounded preceding and current row
        ) as run_number
    from opportunity_rows_marked
),

opportunity_runs_ranked as (
    select
        opportunity_runs_numbered.*,
        row_number() over (
            partition by opportunity_runs_numbered.opportunity_id, opportunity_runs_numbered.run_number
            order by opportunity_runs_numbered.created_at, opportunity_runs_numbered.change_id
        ) as row_in_run,
        -- the last amount given in the run: the deal's value while it was in this stage
        row_number() over (
            partition by opportunity_runs_numbered.opportunity_id, opportunity_runs_numbered.run_number
            order by
                case when opportunity_runs_numbered.amount is null then 1 else 0 end,
                opportunity_runs_numbered.created_at desc,
                opportunity_runs_numbered.change_id desc
        ) as amount_rank
    from opportunity_runs_numbered
),

opportunity_run_amounts as (
    select
        opportunity_id,
        run_number,
        amount
    from opportunity_runs_ranked
    where amount_rank = 1
),

history_entries as (
    select
        run_starts.change_id,
        converted_opportunities.lead_id,
        run_starts.stage_name as stage,
        run_starts.created_date as changed_at,
        run_starts.created_by_id as owner_id,
        opportunity_run_amounts.amount,
        'salesforce.opportunity_history' as landing_file
    from opportunity_runs_ranked as run_starts
    inner join opportunity_run_amounts
        on
            run_starts.opportunity_id = opportunity_run_amounts.opportunity_id
            and run_starts.run_number = opportunity_run_amounts.run_number
    inner join converted_opportunities
        on run_starts.opportunity_id = converted_opportunities.opportunity_id
    where run_starts.row_in_run = 1 and converted_opportunities.lead_rank = 1
),

-- an opportunity without history rows: its current stage
current_stage_entries as (
    select
        converted_opportunities.opportunity_id as change_id,
        converted_opportunities.lead_id,
        converted_opportunities.stage_name as stage,
        converted_opportunities.current_stage_at as changed_at,
        cast(null as {{ dbt.type_string() }}) as owner_id,
        converted_opportunities.amount,
        'salesforce.opportunity' as landing_file
    from converted_opportunities
    where
        converted_opportunities.lead_rank = 1
        and not exists (
            select 1 from opportunity_rows
            where opportunity_rows.opportunity_id = converted_opportunities.opportunity_id
        )
),

-- the four kinds of entry, one after the other (a lead created without a status has no
-- creation entry)
final as (
    {%- for entries in ['status_entries', 'created_entries', 'history_entries', 'current_stage_entries'] %}
    select
        change_id,
        lead_id,
        stage,
        changed_at,
        owner_id,
        cast(null as {{ dbt.type_string() }}) as reason,
        amount,
        landing_file
    from {{ entries }}
    {%- if entries == 'created_entries' %}
    where stage is not null
    {%- endif %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from final
