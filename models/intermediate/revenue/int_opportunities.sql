-- one row per opportunity (deal) of a valid lead, read from its stage history
-- (docs/definitions.md#opportunities-and-revenue):
--   - an `opportunity` entry opens a deal unless the lead already has an open one;
--   - further `opportunity` entries while it is open are the same deal (a re-entry after a
--     move back, or a row logged for a changed amount): they update its amount;
--   - the deal closes at the lead's next closing entry: `customer` wins it, any outcome
--     stage (lost, disqualified, rejected, recycled) loses it; a move back to an earlier
--     funnel stage does not close it;
--   - an `opportunity` entry after a closed deal opens a new one (after a loss: re-opened);
--   - a `customer` entry with no open deal is a deal won at once (the opportunity stage was
--     skipped), so no won revenue is missed.
-- Amounts: at creation (the opening entry's), the latest one given before the outcome, and
-- the won amount (the customer entry's, else the latest). A deal without any amount is
-- flagged, never counted as 0.
with

stage_entries as (select * from {{ ref('int_lead_stage_entries') }}),

leads as (select * from {{ ref('stg_leads') }}),

-- the entries that matter to deals, with a running count of the closing entries so far
deal_entries as (
    select
        lead_id,
        stage_entry_id,
        stage,
        entered_at,
        entry_sequence,
        amount,
        case when stage = 'customer' or stage_group = 'outcome' then 1 else 0 end as is_closing,
        sum(case when stage = 'customer' or stage_group = 'outcome' then 1 else 0 end) over (
            partition by lead_id
            order by entry_sequence
            rows between unbounded preceding and current row
        ) as closings_so_far
    from stage_entries
    where stage in ('opportunity', 'customer') or stage_group = 'outcome'
),

-- an opportunity entry opens a deal when no earlier opportunity entry is open: none before
-- it, or a closing entry came since the previous one; a customer entry opens (and wins) a
-- deal when no opportunity entry is open before it
opening_marked as (
    select
        deal_entries.*,
        case
            when deal_entries.stage = 'opportunity'
                then coalesce(
                        lag(deal_entries.closings_so_far) over (
                            partition by
                                deal_entries.lead_id, case when deal_entries.stage = 'opportunity' then 1 else 0 end
                            order by deal_entries.entry_sequence
                        ) < deal_entries.closings_so_far,
                        true
                    )
            else false
        end as opens_opportunity_deal
    from deal_entries
),

-- the deal each opportunity entry belongs to: the latest opening at or before it
opportunity_entries as (
    select
        lead_id,
        stage_entry_id,
        entered_at,
        entry_sequence,
        amount,
        closings_so_far,
        opens_opportunity_deal,
        max(case when opens_opportunity_deal then entry_sequence end) over (
            partition by lead_id
            order by entry_sequence
            rows between unbounded preceding and current row
        ) as opening_sequence
    from opening_marked
    where stage = 'opportunity'
),

-- per deal opened by an opportunity entry: its entries and amounts
opened_deals as (
    select
        lead_id,
        opening_sequence,
        min(closings_so_far) as closings_before,
        count(*) as opportunity_entries,
        -- the last of its opportunity entries that gave an amount
        max(case when amount is not null then entry_sequence end) as latest_amount_sequence
    from opportunity_entries
    group by
        lead_id,
        opening_sequence
),

opened_deal_amounts as (
    select
        opened_deals.lead_id,
        opened_deals.opening_sequence,
        opened_deals.closings_before,
        opened_deals.opportunity_entries,
        opening.stage_entry_id as opening_entry_id,
        opening.entered_at as opened_at,
        opening.amount as amount_at_creation,
        latest.amount as latest_amount
    from opened_deals
    inner join opportunity_entries as opening
        on opened_deals.lead_id = opening.lead_id
            and opened_deals.opening_sequence = opening.entry_sequence
    left join opportunity_entries as latest
        on opened_deals.lead_id = latest.lead_id
            and opened_deals.latest_amount_sequence = latest.entry_sequence
),

-- the closing entries, numbered per lead in order (the n-th closes whatever was open
-- before it)
closings as (
    select
        lead_id,
        stage_entry_id,
        stage,
        entered_at,
        entry_sequence,
        amount,
        closings_so_far as closing_number
    from deal_entries
    where is_closing = 1
),

-- a deal opened by an opportunity entry is closed by the first closing entry after it
opened_deals_closed as (
    select
        opened_deal_amounts.*,
        closings.stage_entry_id as closing_entry_id,
        closings.stage as closing_stage,
        closings.entered_at as closed_at,
        closings.amount as closing_amount
    from opened_deal_amounts
    left join closings
        on opened_deal_amounts.lead_id = closings.lead_id
            and closings.closing_number = opened_deal_amounts.closings_before + 1
),

-- customer entries that close no open deal: won without an opportunity entry
unopened_wins as (
    select
        closings.lead_id,
        closings.entry_sequence as opening_sequence,
        closings.closing_number - 1 as closings_before,
        0 as opportunity_entries,
        closings.stage_entry_id as opening_entry_id,
        closings.entered_at as opened_at,
        closings.amount as amount_at_creation,
        closings.amount as latest_amount,
        closings.stage_entry_id as closing_entry_id,
        closings.stage as closing_stage,
        closings.entered_at as closed_at,
        closings.amount as closing_amount
    from closings
    left join opened_deals_closed
        on closings.stage_entry_id = opened_deals_closed.closing_entry_id
    where closings.stage = 'customer'
        and opened_deals_closed.closing_entry_id is null
),

deals as (
    select
        *,
        false as is_opportunity_skipped
    from opened_deals_closed
    union all
    select
        *,
        true as is_opportunity_skipped
    from unopened_wins
),

-- the SQL before the deal: the lead's latest `sql` entry at or before the opening (null when
-- it skipped SQL; then the deal's opening stands for it)
sql_entries as (
    select
        deals.lead_id,
        deals.opening_entry_id,
        max(stage_entries.entered_at) as last_sql_at
    from deals
    inner join stage_entries
        on deals.lead_id = stage_entries.lead_id
            and stage_entries.stage = 'sql'
            and deals.opening_sequence > stage_entries.entry_sequence
    group by
        deals.lead_id,
        deals.opening_entry_id
),

numbered as (
    select
        deals.*,
        row_number() over (partition by deals.lead_id order by deals.opening_sequence) as opportunity_number,
        lag(deals.closing_stage) over (partition by deals.lead_id order by deals.opening_sequence)
            as previous_closing_stage
    from deals
),

final as (
    select
        -- grain: the deal, keyed by the stage entry that opened it
        numbered.opening_entry_id as opportunity_id,
        numbered.lead_id,
        numbered.opportunity_number,
        numbered.opened_at,
        cast({{ dbt.date_trunc('month', 'numbered.opened_at') }} as date) as opened_month,
        numbered.is_opportunity_skipped,
        coalesce(numbered.previous_closing_stage <> 'customer', false) as is_reopened,
        numbered.opportunity_entries,

        -- amounts
        numbered.amount_at_creation,
        numbered.latest_amount,
        case
            when numbered.closing_stage = 'customer'
                then coalesce(numbered.closing_amount, numbered.latest_amount)
        end as won_amount,
        numbered.latest_amount is null and numbered.closing_amount is null as is_amount_missing,

        -- outcome
        case
            when numbered.closing_stage = 'customer' then 'won'
            when numbered.closing_stage is not null then 'lost'
            else 'open'
        end as outcome,
        numbered.closing_stage as outcome_stage,
        numbered.closed_at,
        cast({{ dbt.date_trunc('month', 'numbered.closed_at') }} as date) as closed_month,

        -- the lead, and the cycle measured from its creation and from SQL
        leads.created_at as lead_created_at,
        cast({{ dbt.date_trunc('month', 'leads.created_at') }} as date) as lead_cohort_month,
        leads.lead_source,
        leads.acquisition_offer,
        coalesce(sql_entries.last_sql_at, numbered.opened_at) as sql_at,
        sql_entries.last_sql_at is null as is_sql_skipped,
        {{ days_between('leads.created_at', 'numbered.opened_at') }} as days_lead_to_opportunity,
        {{ days_between('leads.created_at', 'numbered.closed_at') }} as days_lead_to_close,
        {{ days_between('coalesce(sql_entries.last_sql_at, numbered.opened_at)', 'numbered.closed_at') }}
            as days_sql_to_close
    from numbered
    inner join leads
        on numbered.lead_id = leads.lead_id
    left join sql_entries
        on numbered.lead_id = sql_entries.lead_id
            and numbered.opening_entry_id = sql_entries.opening_entry_id
)

select * from final
